import { Migration } from '@mikro-orm/migrations';

export class Migration20261202081356_devices extends Migration {
  override name = 'Migration20261202081356_devices';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "device_command_executions" ("id" varchar(26) not null, "device" varchar(63) not null, "command" varchar(63) not null, "parameters" jsonb not null, "profile_revision" int not null, "state" text not null, "state_reason" varchar(64) not null default '', "error_code" int not null default 0, "error_message" varchar(1024) not null default '', "readings" jsonb not null, "actor" varchar(255) not null, "request_id" varchar(128) null, "job" varchar(63) not null default '', "node" varchar(255) not null, "timeout_ms" int not null, "create_time" timestamptz(3) not null, "start_time" timestamptz(3) null, "end_time" timestamptz(3) null, primary key ("id"));`,
    );
    this.addSql(
      `create index "device_command_executions_device_index" on "device_command_executions" ("device");`,
    );
    this.addSql(
      `create index "device_command_executions_state_index" on "device_command_executions" ("state");`,
    );
    this.addSql(
      `alter table "device_command_executions" add constraint "device_command_executions_actor_request_id_unique" unique ("actor", "request_id");`,
    );

    this.addSql(
      `create table "devices" ("id" varchar(63) not null, "display_name" varchar(128) not null default '', "description" varchar(4096) not null default '', "profile" varchar(63) not null, "adapter" varchar(16) not null, "address" varchar(255) not null, "protocol_properties" jsonb not null, "labels" jsonb not null, "admin_state" text not null, "revision" int not null, "create_time" timestamptz(3) not null, "update_time" timestamptz(3) not null, "last_seen_time" timestamptz(3) null, "last_connected_time" timestamptz(3) null, "last_command_time" timestamptz(3) null, "node" varchar(255) not null default '', primary key ("id"));`,
    );
    this.addSql(`create index "devices_profile_index" on "devices" ("profile");`);
    this.addSql(
      `alter table "devices" add constraint "devices_adapter_address_unique" unique ("adapter", "address");`,
    );

    this.addSql(
      `create table "device_profiles" ("id" varchar(63) not null, "display_name" varchar(128) not null default '', "manufacturer" varchar(128) not null default '', "model" varchar(128) not null default '', "description" varchar(4096) not null default '', "labels" jsonb not null, "body" jsonb not null, "source" text not null, "revision" int not null, "create_time" timestamptz(3) not null, "update_time" timestamptz(3) not null, primary key ("id"));`,
    );

    this.addSql(
      `alter table "device_command_executions" add constraint "device_command_executions_state_check" check ("state" in ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'rejected'));`,
    );

    this.addSql(
      `alter table "devices" add constraint "devices_admin_state_check" check ("admin_state" in ('locked', 'unlocked'));`,
    );

    this.addSql(
      `alter table "device_profiles" add constraint "device_profiles_source_check" check ("source" in ('built-in', 'file', 'api'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "device_command_executions" cascade;`);
    this.addSql(`drop table if exists "devices" cascade;`);
    this.addSql(`drop table if exists "device_profiles" cascade;`);
  }
}
