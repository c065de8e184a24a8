import { Migration } from '@mikro-orm/migrations';

export class Migration20261202090834_device_jobs extends Migration {
  override name = 'Migration20261202090834_device_jobs';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`device_jobs\` (\`id\` text not null primary key, \`display_name\` text not null default '', \`description\` text not null default '', \`labels\` json not null, \`steps\` json not null, \`results\` json not null, \`state\` text check (\`state\` in ('queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`error\` json null, \`creator\` text not null, \`creator_admin\` integer not null default false, \`node\` text not null, \`create_time\` datetime not null, \`start_time\` datetime null, \`end_time\` datetime null);`,
    );
    this.addSql(`create index \`device_jobs_state_index\` on \`device_jobs\` (\`state\`);`);
    this.addSql(`create index \`device_jobs_create_time_index\` on \`device_jobs\` (\`create_time\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`device_jobs\`;`);
  }
}
