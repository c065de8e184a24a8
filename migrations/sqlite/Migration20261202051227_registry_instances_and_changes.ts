import { Migration } from '@mikro-orm/migrations';

export class Migration20261202051227_registry_instances_and_changes extends Migration {
  override name = 'Migration20261202051227_registry_instances_and_changes';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`registry_changes\` (\`revision\` integer not null primary key autoincrement, \`type\` text check (\`type\` in ('added', 'modified', 'removed')) not null, \`name\` text not null, \`reason\` text not null default '', \`removal_reason\` text not null default '', \`instance\` json not null, \`previous\` json null, \`time\` datetime not null);`,
    );

    this.addSql(
      `create table \`registry_instances\` (\`name\` text not null primary key, \`service\` text not null, \`instance_id\` text not null, \`owner\` text not null, \`lease_id\` text not null, \`version\` text not null default '', \`grpc_host\` text not null default '', \`grpc_port\` integer not null default 0, \`http_host\` text not null default '', \`http_port\` integer not null default 0, \`tags\` json not null, \`metadata\` json not null, \`zone\` text not null default '', \`node\` text not null default '', \`health_state\` text check (\`health_state\` in ('healthy', 'unhealthy', 'draining')) not null, \`health_reason\` text not null default '', \`health_source\` text check (\`health_source\` in ('client', 'lease', 'check')) not null, \`health_check\` json null, \`lease_ttl_ms\` integer not null, \`lease_expire_time\` datetime not null, \`lease_expired_time\` datetime null, \`renew_time\` datetime not null, \`create_time\` datetime not null, \`update_time\` datetime not null);`,
    );
    this.addSql(`create index \`registry_instances_service_index\` on \`registry_instances\` (\`service\`);`);
    this.addSql(
      `create index \`registry_instances_lease_expire_time_index\` on \`registry_instances\` (\`lease_expire_time\`);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`registry_changes\`;`);
    this.addSql(`drop table if exists \`registry_instances\`;`);
  }
}
