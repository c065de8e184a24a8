import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080040_stored_settings extends Migration {
  override name = 'Migration20261202080040_stored_settings';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`stored_settings\` (\`variable\` text not null primary key, \`value\` text not null, \`updated_by\` text not null, \`update_time\` datetime not null, \`revision\` integer not null default 1);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`stored_settings\`;`);
  }
}
