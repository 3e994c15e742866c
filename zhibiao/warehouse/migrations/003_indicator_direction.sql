-- Migration 003: the indicator's direction (commit 62f5d9a, issue 12): which side of an eq or
-- approx target is met (target_met in sql/020_macros.sql). The nightly run's catalog upsert
-- fills it.
alter table indicators add column if not exists direction varchar;  -- more, less (is better), or null
