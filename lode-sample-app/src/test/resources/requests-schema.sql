-- SampleEndpointRequestsTests: a table whose only listener takes INSERT, and a table without a primary key
create table if not exists order_events (id bigserial primary key, order_id bigint not null, event text not null);
create table if not exists order_notes (order_id bigint not null, note text not null);
