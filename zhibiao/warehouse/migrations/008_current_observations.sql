-- Migration 008: the table macro latest_observations() is now current_observations() (issue 12:
-- no two names that differ only in word order; observations_latest, the analysts' view, keeps
-- its name). The macros and views are re-created right after the migrations, with the new name.
drop macro table if exists latest_observations;
