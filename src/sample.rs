//! The built-in sample: realistic CloudTrail written for the project (ordinary traffic with S3
//! bucket-configuration deletions and other attacks), embedded in the app and handed to the
//! scanner as `File`s like any dropped file.

/// The sample files: (name, content).
pub const FILES: &[(&str, &[u8])] = &[
    (
        "sample/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T0300Z_sample1.json.gz",
        include_bytes!("sample/111122223333_CloudTrail_eu-west-1_20260302T0300Z_sample1.json.gz"),
    ),
    (
        "sample/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T0315Z_sample2.json",
        include_bytes!("sample/111122223333_CloudTrail_us-east-1_20260302T0315Z_sample2.json"),
    ),
    (
        "sample/AWSLogs/444455556666/CloudTrail/eu-west-1/2026/03/02/444455556666_CloudTrail_eu-west-1_20260302T0330Z_sample3.json.gz",
        include_bytes!("sample/444455556666_CloudTrail_eu-west-1_20260302T0330Z_sample3.json.gz"),
    ),
];

/// The sample as browser `File`s.
pub fn files() -> Result<Vec<(String, web_sys::File)>, String> {
    FILES
        .iter()
        .map(|(name, bytes)| {
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(*bytes));
            let short = name.rsplit('/').next().unwrap_or(name);
            web_sys::File::new_with_u8_array_sequence(&parts, short)
                .map(|f| (name.to_string(), f))
                .map_err(|e| format!("could not build the sample: {e:?}"))
        })
        .collect()
}
