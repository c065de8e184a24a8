import { Migration } from '@mikro-orm/migrations';

export class Migration20261202050946_command_runs extends Migration {
  override name = 'Migration20261202050946_command_runs';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "command_runs" ("id" varchar(26) not null, "command" varchar(63) not null, "arguments" jsonb not null, "argv" jsonb not null, "state" text not null, "pid" int not null default 0, "exit_code" int null, "signal" varchar(16) null, "stdout" bytea null, "stderr" bytea null, "stdout_truncated" boolean not null default false, "stderr_truncated" boolean not null default false, "start_time" timestamptz(3) not null, "end_time" timestamptz(3) null, "timeout_ms" int not null, "actor" varchar(255) not null, "request_id" varchar(128) null, "cancelled_by" varchar(255) not null default '', "runner" varchar(255) not null, primary key ("id"));`,
    );
    this.addSql(`create index "command_runs_state_index" on "command_runs" ("state");`);
    this.addSql(`create index "command_runs_end_time_index" on "command_runs" ("end_time");`);
    this.addSql(
      `alter table "command_runs" add constraint "command_runs_actor_request_id_unique" unique ("actor", "request_id");`,
    );

    this.addSql(
      `alter table "command_runs" add constraint "command_runs_state_check" check ("state" in ('running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "command_runs" cascade;`);
  }
}
