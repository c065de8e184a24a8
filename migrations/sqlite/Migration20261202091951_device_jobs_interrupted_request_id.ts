import { Migration } from '@mikro-orm/migrations';

export class Migration20261202091951_device_jobs_interrupted_request_id extends Migration {
  override name = 'Migration20261202091951_device_jobs_interrupted_request_id';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(
      `create table \`device_jobs__temp_alter\` (\`id\` text not null primary key, \`display_name\` text not null default '', \`description\` text not null default '', \`labels\` json not null, \`steps\` json not null, \`results\` json not null, \`state\` text check (\`state\` in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')) not null, \`error\` json null, \`creator\` text not null, \`request_id\` text null, \`creator_admin\` integer not null default false, \`node\` text not null, \`create_time\` datetime not null, \`start_time\` datetime null, \`end_time\` datetime null);`,
    );
    this.addSql(
      `insert into \`device_jobs__temp_alter\` select \`id\`, \`display_name\`, \`description\`, \`labels\`, \`steps\`, \`results\`, \`state\`, \`error\`, \`creator\`, null as \`request_id\`, \`creator_admin\`, \`node\`, \`create_time\`, \`start_time\`, \`end_time\` from \`device_jobs\`;`,
    );
    this.addSql(`drop table \`device_jobs\`;`);
    this.addSql(`alter table \`device_jobs__temp_alter\` rename to \`device_jobs\`;`);
    this.addSql(`create index \`device_jobs_state_index\` on \`device_jobs\` (\`state\`);`);
    this.addSql(`create unique index \`device_jobs_request_id_unique\` on \`device_jobs\` (\`request_id\`);`);
    this.addSql(`create index \`device_jobs_create_time_index\` on \`device_jobs\` (\`create_time\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(
      `create table \`device_jobs__temp_alter\` (\`id\` TEXT not null primary key, \`display_name\` TEXT not null default '', \`description\` TEXT not null default '', \`labels\` json not null, \`steps\` json not null, \`results\` json not null, \`state\` TEXT check (\`state\` in ('queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`error\` json null, \`creator\` TEXT not null, \`creator_admin\` INTEGER not null default false, \`node\` TEXT not null, \`create_time\` datetime not null, \`start_time\` datetime null, \`end_time\` datetime null);`,
    );
    this.addSql(
      `insert into \`device_jobs__temp_alter\` select \`id\`, \`display_name\`, \`description\`, \`labels\`, \`steps\`, \`results\`, \`state\`, \`error\`, \`creator\`, \`creator_admin\`, \`node\`, \`create_time\`, \`start_time\`, \`end_time\` from \`device_jobs\`;`,
    );
    this.addSql(`drop table \`device_jobs\`;`);
    this.addSql(`alter table \`device_jobs__temp_alter\` rename to \`device_jobs\`;`);
    this.addSql(`create index \`device_jobs_create_time_index\` on \`device_jobs\` (\`create_time\`);`);
    this.addSql(`create index \`device_jobs_state_index\` on \`device_jobs\` (\`state\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }
}
