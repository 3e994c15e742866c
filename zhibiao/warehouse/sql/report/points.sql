-- Every figure the report draws (built by 010_points.sql).
select * from report_points;
