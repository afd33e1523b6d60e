#!/usr/bin/env python3
"""Writes the app's built-in sample logs (deterministic): three CloudTrail S3 deliveries with ordinary
traffic and an attack on the audit bucket hidden in it.

The story (account 111122223333, 2026-03-02 UTC):
- ordinary work all morning: the CI role applying Terraform (it also deletes and recreates a CORS
  rule: a known false positive), an app role reading objects, ops-alice in the console;
- 03:05 a leaked long-term key of `svc-reporting` is used from 203.0.113.77 with an unusual
  user agent: GetCallerIdentity, ListBuckets, a failed DeleteBucketPolicy (AccessDenied, no alert),
  then DeleteBucketEncryption, DeleteBucketPolicy, DeleteBucketReplication and
  DeleteBucketLifecycle on the audit and backup buckets, StopLogging, CreateAccessKey for another
  user and a PutBucketPolicy opening a bucket;
- in the sandbox account 444455556666 a developer deletes lifecycle rules (benign: an exception on
  the account hides it).
Run: python3 src/sample/make_sample.py
"""
import gzip, io, json, os, random, uuid

random.seed(20260302)
HERE = os.path.dirname(os.path.abspath(__file__))

def eid():
    return str(uuid.UUID(int=random.getrandbits(128), version=4))

def rid():
    return "".join(random.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(16))

ALICE = {"type": "IAMUser", "principalId": "AIDAEXAMPLEALICE0001", "arn": "arn:aws:iam::111122223333:user/ops-alice",
         "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLEALICE0001", "userName": "ops-alice",
         "sessionContext": {"attributes": {"creationDate": "2026-03-02T01:58:11Z", "mfaAuthenticated": "true"}}}
CI = {"type": "AssumedRole", "principalId": "AROAEXAMPLECIROLE001:gha-run-8812", "arn": "arn:aws:sts::111122223333:assumed-role/ci-deploy/gha-run-8812",
      "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLECI0000001",
      "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLECIROLE001", "arn": "arn:aws:iam::111122223333:role/ci-deploy",
                                           "accountId": "111122223333", "userName": "ci-deploy"},
                         "attributes": {"creationDate": "2026-03-02T02:10:00Z", "mfaAuthenticated": "false"}}}
APP = {"type": "AssumedRole", "principalId": "AROAEXAMPLEAPPROLE01:i-0a1b2c3d4e5f60718", "arn": "arn:aws:sts::111122223333:assumed-role/web-app/i-0a1b2c3d4e5f60718",
       "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLEAPP000001",
       "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEAPPROLE01", "arn": "arn:aws:iam::111122223333:role/web-app",
                                            "accountId": "111122223333", "userName": "web-app"},
                          "attributes": {"creationDate": "2026-03-02T00:00:05Z", "mfaAuthenticated": "false"}}}
LEAKED = {"type": "IAMUser", "principalId": "AIDAEXAMPLESVCREP001", "arn": "arn:aws:iam::111122223333:user/svc-reporting",
          "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLESVCREP001", "userName": "svc-reporting"}
DEV = {"type": "IAMUser", "principalId": "AIDAEXAMPLEDEVBOB001", "arn": "arn:aws:iam::444455556666:user/dev-bob",
       "accountId": "444455556666", "accessKeyId": "AKIAEXAMPLEDEVBOB001", "userName": "dev-bob"}

TF_UA = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.82.2 aws-sdk-go-v2/1.32.6 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/s3#1.71.0"
APP_UA = "aws-sdk-java/2.25.60 Linux/6.1.102-111.182.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_EC2"
CONSOLE_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
BAD_UA = "python-requests/2.31.0 Boto3/1.34.2 Python/3.12.1 Linux/6.6.9-kali1-amd64 Botocore/1.34.2"
CLI_UA = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/s3api.delete-bucket-lifecycle"

def event(t, who, ip, ua, source, name, region="eu-west-1", params=None, response=None, error=None, read_only=False, resources=None, account=None):
    rec = {
        "eventVersion": "1.10", "userIdentity": who, "eventTime": t, "eventSource": source, "eventName": name,
        "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua, "requestParameters": params, "responseElements": response,
        "requestID": rid(), "eventID": eid(), "readOnly": read_only, "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": account or who["accountId"], "eventCategory": "Management",
    }
    if source == "s3.amazonaws.com" and params and "bucketName" in params:
        b = params["bucketName"]
        params.setdefault("Host", f"{b}.s3.{region}.amazonaws.com")
        rec["additionalEventData"] = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
                                      "AuthenticationMethod": "AuthHeader", "x-amz-id-2": "EXAMPLE" + rid() + "=", "bytesTransferredOut": 0}
        rec["resources"] = resources or [{"accountId": account or who["accountId"], "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"}]
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": params["Host"]}
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    return rec

def ts(h, m, s):
    return f"2026-03-02T{h:02d}:{m:02d}:{s:02d}Z"

def ordinary(hours, region):
    out = []
    for h in hours:
        for m in range(0, 60, 4):
            s = random.randrange(60)
            pick = random.random()
            if pick < 0.45:
                out.append(event(ts(h, m, s), APP, "10.20.31.44", APP_UA, "sts.amazonaws.com", "AssumeRole", region,
                                 {"roleArn": "arn:aws:iam::111122223333:role/web-app", "roleSessionName": "i-0a1b2c3d4e5f60718", "durationSeconds": 3600},
                                 {"credentials": {"accessKeyId": "ASIAEXAMPLEAPP000001", "expiration": "Mar 2, 2026, 4:00:00 AM", "sessionToken": "EXAMPLEtoken"}}))
            elif pick < 0.7:
                out.append(event(ts(h, m, s), APP, "10.20.31.44", APP_UA, "kms.amazonaws.com", "Decrypt", region,
                                 {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, None, read_only=True))
            elif pick < 0.85:
                out.append(event(ts(h, m, s), ALICE, "198.51.100.23", CONSOLE_UA, "ec2.amazonaws.com", "DescribeInstances", region,
                                 {"instancesSet": {}, "filterSet": {}}, None, read_only=True))
            else:
                out.append(event(ts(h, m, s), CI, "192.0.2.10", TF_UA, "s3.amazonaws.com", "GetBucketPolicy", region,
                                 {"bucketName": "acme-web-assets", "policy": ""}, None, read_only=True))
    return out

# File 1: eu-west-1, with the attack.
f1 = ordinary([2, 3], "eu-west-1")
f1.append(event(ts(2, 41, 12), CI, "192.0.2.10", TF_UA, "s3.amazonaws.com", "DeleteBucketCors", params={"bucketName": "acme-web-assets", "cors": ""}))
f1.append(event(ts(2, 41, 14), CI, "192.0.2.10", TF_UA, "s3.amazonaws.com", "PutBucketCors", params={"bucketName": "acme-web-assets", "cors": ""}))
attack = [
    (ts(3, 5, 2), "sts.amazonaws.com", "GetCallerIdentity", None, None, True),
    (ts(3, 5, 19), "s3.amazonaws.com", "ListBuckets", {"Host": "s3.eu-west-1.amazonaws.com"}, None, True),
    (ts(3, 6, 40), "s3.amazonaws.com", "DeleteBucketPolicy", {"bucketName": "acme-prod-data", "policy": ""}, ("AccessDenied", "Access Denied"), False),
    (ts(3, 7, 3), "s3.amazonaws.com", "DeleteBucketEncryption", {"bucketName": "acme-audit-logs", "encryption": ""}, None, False),
    (ts(3, 7, 9), "s3.amazonaws.com", "DeleteBucketPolicy", {"bucketName": "acme-audit-logs", "policy": ""}, None, False),
    (ts(3, 7, 31), "s3.amazonaws.com", "DeleteBucketReplication", {"bucketName": "acme-audit-logs", "replication": ""}, None, False),
    (ts(3, 8, 2), "s3.amazonaws.com", "DeleteBucketLifecycle", {"bucketName": "acme-backups", "lifecycle": ""}, None, False),
    (ts(3, 8, 15), "s3.amazonaws.com", "DeleteBucketPolicy", {"bucketName": "acme-backups", "policy": ""}, None, False),
    (ts(3, 9, 44), "cloudtrail.amazonaws.com", "StopLogging", {"name": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"}, None, False),
    (ts(3, 10, 5), "iam.amazonaws.com", "CreateAccessKey", {"userName": "ops-alice"}, None, False),
    (ts(3, 11, 27), "s3.amazonaws.com", "PutBucketPolicy", {"bucketName": "acme-backups", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-backups/*"}]}, "policy": ""}, None, False),
]
for t, source, name, params, error, ro in attack:
    f1.append(event(t, LEAKED, "203.0.113.77", BAD_UA, source, name, params=params, error=error, read_only=ro,
                    response={"AccessKeyId": "AKIAEXAMPLENEWKEY001"} if name == "CreateAccessKey" else None))

# File 2: us-east-1, ordinary plus a console session and a second encryption deletion by the same key.
f2 = ordinary([3], "us-east-1")
f2.append(event(ts(3, 16, 2), LEAKED, "203.0.113.77", BAD_UA, "s3.amazonaws.com", "DeleteBucketEncryption", "us-east-1", {"bucketName": "acme-finance-exports", "encryption": ""}))
f2.append(event(ts(3, 17, 40), {"type": "Root", "principalId": "111122223333", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
                "203.0.113.77", CONSOLE_UA, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", None, {"ConsoleLogin": "Failure"},
                ("Failed authentication", "Failed authentication")))

# File 3: the sandbox account: a developer clears lifecycle rules (benign).
f3 = []
for m, bucket in [(31, "sandbox-scratch"), (33, "sandbox-ml-datasets")]:
    f3.append(event(ts(3, m, 8), DEV, "198.51.100.60", CLI_UA, "s3.amazonaws.com", "DeleteBucketLifecycle", params={"bucketName": bucket, "lifecycle": ""}))
f3.append(event(ts(3, 34, 0), DEV, "198.51.100.60", CLI_UA.replace("delete-bucket-lifecycle", "list-buckets"), "s3.amazonaws.com", "ListBuckets", params={"Host": "s3.eu-west-1.amazonaws.com"}, read_only=True))

def write(name, records, gz):
    records.sort(key=lambda r: r["eventTime"])
    data = json.dumps({"Records": records}, separators=(",", ":")).encode()
    path = os.path.join(HERE, name)
    if gz:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as z:
            z.write(data)
        data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    print(path, len(records), "records")

write("111122223333_CloudTrail_eu-west-1_20260302T0300Z_sample1.json.gz", f1, True)
write("111122223333_CloudTrail_us-east-1_20260302T0315Z_sample2.json", f2, False)
write("444455556666_CloudTrail_eu-west-1_20260302T0330Z_sample3.json.gz", f3, True)
