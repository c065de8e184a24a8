import { Migration } from '@mikro-orm/migrations';

export class Migration20261202081353_devices extends Migration {
  override name = 'Migration20261202081353_devices';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`device_command_executions\` (\`id\` text not null primary key, \`device\` text not null, \`command\` text not null, \`parameters\` json not null, \`profile_revision\` integer not null, \`state\` text check (\`state\` in ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'rejected')) not null, \`state_reason\` text not null default '', \`error_code\` integer not null default 0, \`error_message\` text not null default '', \`readings\` json not null, \`actor\` text not null, \`request_id\` text null, \`job\` text not null default '', \`node\` text not null, \`timeout_ms\` integer not null, \`create_time\` datetime not null, \`start_time\` datetime null, \`end_time\` datetime null);`,
    );
    this.addSql(
      `create index \`device_command_executions_device_index\` on \`device_command_executions\` (\`device\`);`,
    );
    this.addSql(
      `create index \`device_command_executions_state_index\` on \`device_command_executions\` (\`state\`);`,
    );
    this.addSql(
      `create unique index \`device_command_executions_actor_request_id_unique\` on \`device_command_executions\` (\`actor\`, \`request_id\`);`,
    );

    this.addSql(
      `create table \`devices\` (\`id\` text not null primary key, \`display_name\` text not null default '', \`description\` text not null default '', \`profile\` text not null, \`adapter\` text not null, \`address\` text not null, \`protocol_properties\` json not null, \`labels\` json not null, \`admin_state\` text check (\`admin_state\` in ('locked', 'unlocked')) not null, \`revision\` integer not null, \`create_time\` datetime not null, \`update_time\` datetime not null, \`last_seen_time\` datetime null, \`last_connected_time\` datetime null, \`last_command_time\` datetime null, \`node\` text not null default '');`,
    );
    this.addSql(`create index \`devices_profile_index\` on \`devices\` (\`profile\`);`);
    this.addSql(
      `create unique index \`devices_adapter_address_unique\` on \`devices\` (\`adapter\`, \`address\`);`,
    );

    this.addSql(
      `create table \`device_profiles\` (\`id\` text not null primary key, \`display_name\` text not null default '', \`manufacturer\` text not null default '', \`model\` text not null default '', \`description\` text not null default '', \`labels\` json not null, \`body\` json not null, \`source\` text check (\`source\` in ('built-in', 'file', 'api')) not null, \`revision\` integer not null, \`create_time\` datetime not null, \`update_time\` datetime not null);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`device_command_executions\`;`);
    this.addSql(`drop table if exists \`devices\`;`);
    this.addSql(`drop table if exists \`device_profiles\`;`);
  }
}
