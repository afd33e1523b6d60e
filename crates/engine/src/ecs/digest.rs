//! CloudTrail digest records: `aws.cloudtrail.digest.*` (later moved under `flattened`),
//! `file.path`, `related.hash`, and `@timestamp` from the digest's end time.
//!
//! Depends on [`crate::ecs::ctx`] and [`crate::ecs::identity::date`].

use crate::ecs::ctx::{Ctx, Step};
use crate::ecs::identity::date;

/// CloudTrail digest records: `aws.cloudtrail.digest.*`, `file.path`, `@timestamp` from the end time.
pub fn run(c: &mut Ctx) -> Step {
    if c.get("cloud.account.id").is_none() {
        c.rename("json.awsAccountId", "cloud.account.id", "rename_json_awsAccountId_to_cloud_account_id_8aa111ca")?;
    }
    if c.get("file.path").is_none() {
        c.rename("json.digestS3Object", "file.path", "rename_json_digestS3Object_to_file_path_42209760")?;
    }
    c.rename("json.previousDigestS3Object", "aws.cloudtrail.digest.previous_s3_object", "rename_digest")?;
    c.rename("json.previousDigestSignature", "aws.cloudtrail.digest.previous_signature", "rename_digest")?;
    c.rename("json.previousDigestHashValue", "aws.cloudtrail.digest.previous_hash_value", "rename_digest")?;
    if c.get("aws.cloudtrail.digest.previous_hash_value").is_some() {
        c.append_render("related.hash", "aws.cloudtrail.digest.previous_hash_value", "append_related_hash_previous_digest_7574f0ee")?;
    }
    c.rename("json.logFiles", "aws.cloudtrail.digest.log_files", "rename_digest")?;
    date(
        c,
        "json.digestStartTime",
        "aws.cloudtrail.digest.start_time",
        false,
        "date_json_digestStartTime_to_aws_cloudtrail_digest_start_time_3c1d2845",
    );
    date(
        c,
        "json.digestEndTime",
        "aws.cloudtrail.digest.end_time",
        false,
        "date_json_digestEndTime_to_aws_cloudtrail_digest_end_time_d95ac027",
    );
    c.copy("@timestamp", "aws.cloudtrail.digest.end_time", "set_timestamp_from_digest_end_time_3953c970")?;
    c.rename("json.digestS3Bucket", "aws.cloudtrail.digest.s3_bucket", "rename_digest")?;
    date(
        c,
        "json.newestEventTime",
        "aws.cloudtrail.digest.newest_event_time",
        false,
        "date_json_newestEventTime_to_aws_cloudtrail_digest_newest_event_time_66ba4c38",
    );
    date(
        c,
        "json.oldestEventTime",
        "aws.cloudtrail.digest.oldest_event_time",
        false,
        "date_json_oldestEventTime_to_aws_cloudtrail_digest_oldest_event_time_51f01072",
    );
    c.rename("json.previousDigestS3Bucket", "aws.cloudtrail.digest.previous_s3_bucket", "rename_digest")?;
    c.rename("json.previousDigestHashAlgorithm", "aws.cloudtrail.digest.previous_hash_algorithm", "rename_digest")?;
    c.rename("json.digestPublicKeyFingerprint", "aws.cloudtrail.digest.public_key_fingerprint", "rename_digest")?;
    if c.get("aws.cloudtrail.digest.public_key_fingerprint").is_none() {
        c.rename("json.publicKeyFingerprint", "aws.cloudtrail.digest.public_key_fingerprint", "rename_digest")?;
    }
    c.rename("json.digestSignatureAlgorithm", "aws.cloudtrail.digest.signature_algorithm", "rename_digest")?;
    Ok(())
}
