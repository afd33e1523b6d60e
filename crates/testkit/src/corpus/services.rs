//! The vocabulary of the synthetic corpus: which calls happen how often, who makes them, and the
//! request and response bodies that give records their realistic size (about 1.2 KB on average).

use serde_json::{Value, json};

pub const ACCOUNT: &str = "111122223333";

pub const REGIONS: &[&str] = &["us-east-1", "us-east-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];

pub const AGENTS: &[&str] = &[
    "aws-cli/2.17.32 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#s3api.list-buckets",
    "Boto3/1.34.162 md/Botocore#1.34.162 ua/2.0 os/linux#5.10.223-211.872.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.162",
    "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0",
    "AWS Internal",
    "console.amazonaws.com",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
    "terraform-provider-aws/5.62.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5",
];

/// The shape of a call's request and response.
#[derive(Clone, Copy)]
pub enum Req {
    None,
    Bucket,
    Object,
    Instances,
    RunInstances,
    Role,
    Key,
    Logs,
    Function,
    Login,
}

/// A kind of call and how often it happens (relative weight).
#[derive(Clone, Copy)]
pub struct Call {
    pub source: &'static str,
    pub name: &'static str,
    pub read_only: bool,
    pub weight: u32,
    pub request: Req,
}

const fn call(source: &'static str, name: &'static str, read_only: bool, weight: u32, request: Req) -> Call {
    Call { source, name, read_only, weight, request }
}

/// The calls of a busy account: mostly reads, some writes, a few sensitive ones.
pub const CALLS: &[Call] = &[
    call("sts.amazonaws.com", "AssumeRole", true, 120, Req::Role),
    call("sts.amazonaws.com", "GetCallerIdentity", true, 20, Req::None),
    call("kms.amazonaws.com", "Decrypt", true, 110, Req::Key),
    call("kms.amazonaws.com", "GenerateDataKey", true, 40, Req::Key),
    call("ec2.amazonaws.com", "DescribeInstances", true, 80, Req::Instances),
    call("ec2.amazonaws.com", "DescribeSecurityGroups", true, 30, Req::None),
    call("ec2.amazonaws.com", "RunInstances", false, 4, Req::RunInstances),
    call("ec2.amazonaws.com", "TerminateInstances", false, 3, Req::Instances),
    call("s3.amazonaws.com", "GetBucketAcl", true, 60, Req::Bucket),
    call("s3.amazonaws.com", "ListBuckets", true, 20, Req::None),
    call("s3.amazonaws.com", "GetBucketPolicy", true, 15, Req::Bucket),
    call("s3.amazonaws.com", "PutBucketPolicy", false, 2, Req::Bucket),
    call("s3.amazonaws.com", "GetObject", true, 40, Req::Object),
    call("s3.amazonaws.com", "PutObject", false, 20, Req::Object),
    call("iam.amazonaws.com", "GetRole", true, 25, Req::Role),
    call("iam.amazonaws.com", "ListRoles", true, 10, Req::None),
    call("iam.amazonaws.com", "CreateAccessKey", false, 1, Req::Role),
    call("iam.amazonaws.com", "AttachRolePolicy", false, 2, Req::Role),
    call("logs.amazonaws.com", "CreateLogStream", false, 40, Req::Logs),
    call("logs.amazonaws.com", "DescribeLogGroups", true, 15, Req::Logs),
    call("lambda.amazonaws.com", "Invoke", false, 20, Req::Function),
    call("lambda.amazonaws.com", "GetFunction", true, 10, Req::Function),
    call("signin.amazonaws.com", "ConsoleLogin", false, 2, Req::Login),
    call("cloudtrail.amazonaws.com", "LookupEvents", true, 8, Req::None),
    call("guardduty.amazonaws.com", "ListDetectors", true, 6, Req::None),
    call("secretsmanager.amazonaws.com", "GetSecretValue", true, 12, Req::Key),
];

/// Who acts in the account: users, roles (with session context), services and, rarely, root.
pub fn identities(rng: &mut fastrand::Rng) -> Vec<Value> {
    let mut out = Vec::new();
    for user in ["alice", "bob", "carol", "deploy-bot", "backup"] {
        out.push(json!({
            "type": "IAMUser",
            "principalId": format!("AIDA{}", hex_id(rng, 16).to_uppercase()),
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
            "accountId": ACCOUNT,
            "accessKeyId": format!("AKIA{}", hex_id(rng, 16).to_uppercase()),
            "userName": user,
        }));
    }
    for role in ["OrganizationAccountAccessRole", "ci-deployer", "lambda-exec-orders", "ReadOnlyAuditor", "ec2-app-profile"] {
        let role_id = format!("AROA{}", hex_id(rng, 16).to_uppercase());
        for session in ["i-0a1b2c3d4e5f60718", "session-1730000000", "alice@example.com"] {
            out.push(json!({
                "type": "AssumedRole",
                "principalId": format!("{role_id}:{session}"),
                "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"),
                "accountId": ACCOUNT,
                "accessKeyId": format!("ASIA{}", hex_id(rng, 16).to_uppercase()),
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": role_id,
                        "arn": format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
                        "accountId": ACCOUNT,
                        "userName": role,
                    },
                    "webIdFederationData": {},
                    "attributes": { "creationDate": "2025-12-01T00:00:00Z", "mfaAuthenticated": "false" },
                },
            }));
        }
    }
    for service in ["cloudtrail.amazonaws.com", "config.amazonaws.com", "autoscaling.amazonaws.com"] {
        out.push(json!({ "type": "AWSService", "invokedBy": service }));
    }
    out.push(json!({
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": format!("arn:aws:iam::{ACCOUNT}:root"),
        "accountId": ACCOUNT,
        "accessKeyId": "",
    }));
    out
}

pub fn request(rng: &mut fastrand::Rng, req: Req) -> Value {
    let n = rng.u32(0..400);
    match req {
        Req::None | Req::Login => Value::Null,
        Req::Bucket => {
            json!({ "bucketName": format!("orders-data-{n}"), "Host": format!("orders-data-{n}.s3.amazonaws.com"), "policy": "" })
        }
        Req::Object => json!({
            "bucketName": format!("orders-data-{n}"),
            "Host": format!("orders-data-{n}.s3.us-east-1.amazonaws.com"),
            "key": format!("exports/2025/12/{}/part-{:05}.parquet", rng.u32(1..29), rng.u32(0..99999)),
        }),
        Req::Instances => json!({ "instancesSet": { "items": [{ "instanceId": format!("i-0{}", hex_id(rng, 16)) }] }, "filterSet": {} }),
        Req::RunInstances => json!({
            "instancesSet": { "items": [{ "imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1 }] },
            "instanceType": "t3.large",
            "blockDeviceMapping": { "items": [{ "deviceName": "/dev/xvda", "ebs": { "volumeSize": 50, "volumeType": "gp3", "deleteOnTermination": true } }] },
            "monitoring": { "enabled": false },
            "disableApiTermination": false,
            "clientToken": uuid(rng, 0),
        }),
        Req::Role => json!({
            "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/ci-deployer"),
            "roleSessionName": format!("session-{}", rng.u32(1_700_000_000..1_800_000_000)),
            "durationSeconds": 3600,
        }),
        Req::Key => json!({
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
            "keyId": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{}", uuid(rng, 0)),
            "encryptionContext": { "aws:lambda:FunctionArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-{n}") },
        }),
        Req::Logs => {
            json!({ "logGroupName": format!("/aws/lambda/orders-{n}"), "logStreamName": format!("2025/12/01/[$LATEST]{}", hex_id(rng, 32)) })
        }
        Req::Function => {
            json!({ "functionName": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-{n}"), "qualifier": "$LATEST" })
        }
    }
}

pub fn response(rng: &mut fastrand::Rng, req: Req) -> Value {
    match req {
        Req::Role => json!({
            "credentials": {
                "accessKeyId": format!("ASIA{}", hex_id(rng, 16).to_uppercase()),
                "sessionToken": hex_id(rng, 120),
                "expiration": "Dec 1, 2025, 1:00:00 AM",
            },
            "assumedRoleUser": { "assumedRoleId": format!("AROA{}:session", hex_id(rng, 16).to_uppercase()), "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/ci-deployer/session") },
        }),
        Req::Login => json!({ "ConsoleLogin": if rng.u32(0..10) == 0 { "Failure" } else { "Success" } }),
        Req::RunInstances => json!({
            "requestId": uuid(rng, 0),
            "reservationId": format!("r-0{}", hex_id(rng, 16)),
            "ownerId": ACCOUNT,
            "instancesSet": { "items": [{
                "instanceId": format!("i-0{}", hex_id(rng, 16)),
                "imageId": "ami-0abcdef1234567890",
                "instanceState": { "code": 0, "name": "pending" },
                "privateDnsName": "ip-10-0-1-23.ec2.internal",
                "instanceType": "t3.large",
                "launchTime": 1_764_547_200_000u64,
                "placement": { "availabilityZone": "us-east-1a", "tenancy": "default" },
                "subnetId": "subnet-0123456789abcdef0",
                "vpcId": "vpc-0123456789abcdef0",
                "privateIpAddress": "10.0.1.23",
            }]},
        }),
        Req::Object | Req::Bucket | Req::Logs | Req::Function | Req::Key | Req::Instances | Req::None => Value::Null,
    }
}

pub fn source_ip(rng: &mut fastrand::Rng, source: &str) -> String {
    match rng.u32(0..10) {
        0..=1 => source.to_string(),
        2..=6 => format!("10.0.{}.{}", rng.u8(0..16), rng.u8(1..255)),
        _ => format!("198.51.100.{}", rng.u8(1..255)),
    }
}

/// `n` lowercase hex digits.
pub fn hex_id(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from_digit(rng.u32(0..16), 16).expect("a hex digit")).collect()
}

/// A UUID-shaped ID, unique per `serial` (when non-zero) whatever the random part.
pub fn uuid(rng: &mut fastrand::Rng, serial: u64) -> String {
    let random = hex_id(rng, 20);
    format!("{}-{}-{}-{}-{serial:012x}", &random[..8], &random[8..12], &random[12..16], &random[16..20])
}

/// `2025-12-01T00:00:00Z` from Unix seconds.
pub fn timestamp(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Days since 2025-12-01 (1_764_547_200): the corpus spans days, not months, so keep it simple.
    let day = days - 20_423;
    format!("2025-12-{:02}T{:02}:{:02}:{:02}Z", 1 + day % 28, rest / 3600, rest % 3600 / 60, rest % 60)
}
