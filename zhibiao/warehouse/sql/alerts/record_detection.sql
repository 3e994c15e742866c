-- One line of the detections log (migrations/010_detections.sql).
insert into detections values (
    $now, $run_id, $rules_version, $full, $since, $until, $scope_pairs, $observations_read,
    $alerts_found
)
