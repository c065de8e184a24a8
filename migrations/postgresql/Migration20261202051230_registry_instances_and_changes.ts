import { Migration } from '@mikro-orm/migrations';

export class Migration20261202051230_registry_instances_and_changes extends Migration {
  override name = 'Migration20261202051230_registry_instances_and_changes';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "registry_changes" ("revision" serial primary key, "type" text not null, "name" varchar(255) not null, "reason" varchar(1024) not null default '', "removal_reason" varchar(32) not null default '', "instance" jsonb not null, "previous" jsonb null, "time" timestamptz(3) not null);`,
    );

    this.addSql(
      `create table "registry_instances" ("name" varchar(255) not null, "service" varchar(63) not null, "instance_id" varchar(128) not null, "owner" varchar(255) not null, "lease_id" varchar(64) not null, "version" varchar(64) not null default '', "grpc_host" varchar(253) not null default '', "grpc_port" int not null default 0, "http_host" varchar(253) not null default '', "http_port" int not null default 0, "tags" jsonb not null, "metadata" jsonb not null, "zone" varchar(63) not null default '', "node" varchar(63) not null default '', "health_state" text not null, "health_reason" varchar(1024) not null default '', "health_source" text not null, "health_check" jsonb null, "lease_ttl_ms" int not null, "lease_expire_time" timestamptz(3) not null, "lease_expired_time" timestamptz(3) null, "renew_time" timestamptz(3) not null, "create_time" timestamptz(3) not null, "update_time" timestamptz(3) not null, primary key ("name"));`,
    );
    this.addSql(`create index "registry_instances_service_index" on "registry_instances" ("service");`);
    this.addSql(
      `create index "registry_instances_lease_expire_time_index" on "registry_instances" ("lease_expire_time");`,
    );

    this.addSql(
      `alter table "registry_changes" add constraint "registry_changes_type_check" check ("type" in ('added', 'modified', 'removed'));`,
    );

    this.addSql(
      `alter table "registry_instances" add constraint "registry_instances_health_state_check" check ("health_state" in ('healthy', 'unhealthy', 'draining'));`,
    );
    this.addSql(
      `alter table "registry_instances" add constraint "registry_instances_health_source_check" check ("health_source" in ('client', 'lease', 'check'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "registry_changes" cascade;`);
    this.addSql(`drop table if exists "registry_instances" cascade;`);
  }
}
