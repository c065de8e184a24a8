import { Migration } from '@mikro-orm/migrations';

export class Migration20261202050453_analytics_series_chunks extends Migration {
  override name = 'Migration20261202050453_analytics_series_chunks';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`analytics_series\` (\`id\` text not null primary key, \`series_id\` text not null, \`metric\` text not null, \`labels\` json not null, \`identity\` text not null, \`unit\` text not null, \`description\` text not null, \`device\` text not null, \`retention_ms\` bigint null, \`revision\` integer not null, \`sample_count\` bigint not null, \`first_time\` bigint null, \`last_time\` bigint null, \`last_value\` double null, \`create_time\` datetime not null, \`update_time\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`analytics_series_series_id_unique\` on \`analytics_series\` (\`series_id\`);`,
    );
    this.addSql(`create index \`analytics_series_metric_index\` on \`analytics_series\` (\`metric\`);`);
    this.addSql(
      `create unique index \`analytics_series_identity_unique\` on \`analytics_series\` (\`identity\`);`,
    );

    this.addSql(
      `create table \`analytics_chunks\` (\`id\` integer not null primary key autoincrement, \`series_id\` text not null, \`start_time\` bigint not null, \`end_time\` bigint not null, \`count\` integer not null, \`sum\` double not null, \`sum_squares\` double not null, \`min\` double not null, \`max\` double not null, \`first_value\` double not null, \`last_value\` double not null, \`times\` blob not null, \`values\` blob not null, constraint \`analytics_chunks_series_id_foreign\` foreign key (\`series_id\`) references \`analytics_series\` (\`id\`) on delete cascade);`,
    );
    this.addSql(`create index \`analytics_chunks_series_id_index\` on \`analytics_chunks\` (\`series_id\`);`);
    this.addSql(
      `create index \`analytics_chunks_series_start_index\` on \`analytics_chunks\` (\`series_id\`, \`start_time\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`analytics_chunks\`;`);
    this.addSql(`drop table if exists \`analytics_series\`;`);
  }
}
