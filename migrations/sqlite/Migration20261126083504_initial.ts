import { Migration } from '@mikro-orm/migrations';

export class Migration20261126083504_initial extends Migration {
  override name = 'Migration20261126083504_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`audit_entry\` (\`id\` text not null primary key, \`time\` datetime not null, \`actor\` text not null, \`action\` text not null, \`category\` text check (\`category\` in ('security', 'registry', 'devices', 'analytics', 'system')) not null, \`target\` text not null default '', \`outcome\` text check (\`outcome\` in ('success', 'denied', 'failure')) not null, \`status_code\` integer not null default 0, \`status_message\` text not null default '', \`client_address\` text not null default '', \`request_id\` text not null default '', \`user_agent\` text not null default '', \`details\` json not null default '{}');`,
    );
    this.addSql(`create index \`audit_entry_time_index\` on \`audit_entry\` (\`time\`);`);
    this.addSql(
      `create index \`audit_entry_category_time_index\` on \`audit_entry\` (\`category\`, \`time\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`audit_entry\`;`);
  }
}
