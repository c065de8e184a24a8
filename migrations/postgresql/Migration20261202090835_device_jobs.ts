import { Migration } from '@mikro-orm/migrations';

export class Migration20261202090835_device_jobs extends Migration {
  override name = 'Migration20261202090835_device_jobs';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "device_jobs" ("id" varchar(63) not null, "display_name" varchar(128) not null default '', "description" varchar(4096) not null default '', "labels" jsonb not null, "steps" jsonb not null, "results" jsonb not null, "state" text not null, "error" jsonb null, "creator" varchar(255) not null, "creator_admin" boolean not null default false, "node" varchar(255) not null, "create_time" timestamptz(3) not null, "start_time" timestamptz(3) null, "end_time" timestamptz(3) null, primary key ("id"));`,
    );
    this.addSql(`create index "device_jobs_state_index" on "device_jobs" ("state");`);
    this.addSql(`create index "device_jobs_create_time_index" on "device_jobs" ("create_time");`);

    this.addSql(
      `alter table "device_jobs" add constraint "device_jobs_state_check" check ("state" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "device_jobs" cascade;`);
  }
}
