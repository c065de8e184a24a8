import { Migration } from '@mikro-orm/migrations';

export class Migration20261202050943_command_runs extends Migration {
  override name = 'Migration20261202050943_command_runs';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`command_runs\` (\`id\` text not null primary key, \`command\` text not null, \`arguments\` json not null, \`argv\` json not null, \`state\` text check (\`state\` in ('running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted')) not null, \`pid\` integer not null default 0, \`exit_code\` integer null, \`signal\` text null, \`stdout\` blob null, \`stderr\` blob null, \`stdout_truncated\` integer not null default false, \`stderr_truncated\` integer not null default false, \`start_time\` datetime not null, \`end_time\` datetime null, \`timeout_ms\` integer not null, \`actor\` text not null, \`request_id\` text null, \`cancelled_by\` text not null default '', \`runner\` text not null);`,
    );
    this.addSql(`create index \`command_runs_state_index\` on \`command_runs\` (\`state\`);`);
    this.addSql(`create index \`command_runs_end_time_index\` on \`command_runs\` (\`end_time\`);`);
    this.addSql(
      `create unique index \`command_runs_actor_request_id_unique\` on \`command_runs\` (\`actor\`, \`request_id\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`command_runs\`;`);
  }
}
