#!/usr/bin/env bash
# Makes 10.0.0.22 a streaming replica of the primary 10.0.0.21 (PostgreSQL 15, Debian 12).
# Run on the replica as root after installing the postgresql package. The same pg_basebackup -R
# is what the test suite does against its own server (tests/infra/store/replica_test.cpp).
set -euo pipefail
PRIMARY=10.0.0.21
DATA=/var/lib/postgresql/15/main

# 1. On the primary, once (psql as postgres):
#      CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '...';
#      SELECT pg_create_physical_replication_slot('lucas_replica');
#    with primary.conf and the pg_hba.conf lines of this directory in place, then reload.

# 2. Here: replace the empty cluster by a copy of the primary that follows it.
systemctl stop postgresql
rm -rf "$DATA"
sudo -u postgres pg_basebackup -h "$PRIMARY" -U replicator -D "$DATA" \
  -R -X stream -S lucas_replica -c fast -P   # asks for the replicator's password
echo "listen_addresses = '10.0.0.22,127.0.0.1'" > /etc/postgresql/15/main/conf.d/lucas-replica.conf
echo "hot_standby = on" >> /etc/postgresql/15/main/conf.d/lucas-replica.conf
systemctl start postgresql

# 3. Check: 't' here, and the replica streaming on the primary.
sudo -u postgres psql -Atc "SELECT pg_is_in_recovery()"
echo "on the primary: SELECT client_addr, state, replay_lag FROM pg_stat_replication;"
