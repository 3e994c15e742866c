select fingerprint from alerts where starts_with(fingerprint, ?)
