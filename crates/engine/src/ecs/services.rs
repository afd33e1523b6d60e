//! The per-service rules of the entity script (`enrichCloudtrail`, `enrichEc2`, ...): which request
//! and response values become related and target entities.
//!
//! Called only by [`crate::ecs::entity`].

use crate::ecs::entity::ServiceCtx as C;
use serde_json::Value;

type R = Result<(), String>;

/// Runs every service's rule for (eventSource, eventName), in the script's order.
pub fn enrich(c: &mut C<'_, '_>, source: &str, name: Option<&str>) -> R {
    let n = name.unwrap_or("");
    let is = |names: &[&str]| name.is_some_and(|x| names.contains(&x));
    match source {
        "cloudformation.amazonaws.com" => {
            if n == "CreateStackSet" {
                c.target("json.responseElements.stackSetId")?;
            } else if n == "CreateStack" {
                c.target("json.responseElements.stackId")?;
            }
        }
        "cloudtrail.amazonaws.com" => {
            c.related(&[
                "json.requestParameters.name",
                "json.requestParameters.s3BucketName",
                "json.responseElements.cloudWatchLogsLogGroupArn",
                "json.responseElements.cloudWatchLogsRoleArn",
                "json.responseElements.kmsKeyId",
                "json.responseElements.snsTopicARN",
                "json.responseElements.trailARN",
                "json.responseElements.name",
            ])?;
            if is(&["DeleteTrail", "StopLogging"]) {
                c.target("json.requestParameters.name")?;
            } else if n == "DescribeTrails" {
                c.target("json.recipientAccountId")?;
            }
        }
        "config.amazonaws.com" => {
            c.related(&["json.requestParameters.configurationRecorderName"])?;
            if is(&["StopConfigurationRecorder", "StartConfigurationRecorder"]) {
                c.target("json.requestParameters.configurationRecorderName")?;
            }
        }
        "ec2-instance-connect.amazonaws.com" if is(&["SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"]) => {
            c.target("json.requestParameters.instanceId")?;
        }
        "ec2.amazonaws.com" => ec2(c, n)?,
        "elasticfilesystem.amazonaws.com" => {
            if n == "DeleteFileSystem" {
                c.target("json.requestParameters.fileSystemId")?;
            } else if n == "DeleteMountTarget" {
                c.target("json.requestParameters.mountTargetId")?;
            }
        }
        "events.amazonaws.com" if n == "DeleteRule" => c.target("json.requestParameters.name")?,
        "guardduty.amazonaws.com" => {
            c.related(&["json.requestParameters.detectorId", "json.responseElements.detectorId"])?;
            if n == "CreateDetector" {
                c.target("json.responseElements.detectorId")?;
            } else if n == "DeleteDetector" {
                c.target("json.requestParameters.detectorId")?;
            }
        }
        "iam.amazonaws.com" => iam(c, n)?,
        "kms.amazonaws.com" => {
            c.related(&[
                "json.requestParameters.keyId",
                "json.responseElements.keyId",
                "json.responseElements.keyMetadata.arn",
                "json.responseElements.keyMetadata.keyId",
            ])?;
            if is(&["DisableKey", "ScheduleKeyDeletion"]) {
                c.target_resources()?;
            }
        }
        "lambda.amazonaws.com" => {
            c.related(&[
                "json.requestParameters.functionName",
                "json.responseElements.functionArn",
                "json.responseElements.functionName",
                "json.responseElements.role",
            ])?;
            let groups: Vec<Option<&Value>> = c.list("json.responseElements.vpcConfig.securityGroupIds")?.iter().map(Some).collect();
            c.related_values(&groups)?;
            let subnets: Vec<Option<&Value>> = c.list("json.responseElements.vpcConfig.subnetIds")?.iter().map(Some).collect();
            c.related_values(&subnets)?;
            if n.contains("AddPermission") && name.is_some() {
                c.target("json.requestParameters.functionName")?;
            } else if n.contains("ListFunctions") {
                c.target("json.recipientAccountId")?;
            }
        }
        "logs.amazonaws.com" => {
            if n == "DeleteLogGroup" {
                c.target("json.requestParameters.logGroupName")?;
            } else if n == "DeleteLogStream" {
                c.target("json.requestParameters.logStreamName")?;
            }
        }
        "monitoring.amazonaws.com" if n == "DeleteAlarms" => c.target_strings("json.requestParameters.alarmNames")?,
        "rds.amazonaws.com" => rds(c, n)?,
        "rolesanywhere.amazonaws.com" if n == "CreateTrustAnchor" => c.target("json.responseElements.trustAnchor.trustAnchorArn")?,
        "route53resolver.amazonaws.com" if n == "DeleteResolverQueryLogConfig" => {
            c.target("json.responseElements.resolverQueryLogConfig.arn")?
        }
        "s3.amazonaws.com" => {
            c.related(&["json.requestParameters.bucketName"])?;
            if is(&[
                "CopyObject",
                "PutBucketLogging",
                "PutBucketVersioning",
                "PutObject",
                "GetBucketPolicy",
                "ListObjects",
                "HeadObject",
                "GetObject",
                "DeleteObject",
                "DeleteBucket",
            ]) {
                c.target_resources()?;
            } else if n == "PutBucketReplication" {
                c.target_resources()?;
                c.target("json.requestParameters.ReplicationConfiguration.Rule.Destination.Bucket")?;
            } else if n == "ListBuckets" {
                c.target("json.recipientAccountId")?;
            }
        }
        "secretsmanager.amazonaws.com" => {
            if n == "BatchGetSecretValue" {
                c.target_strings("json.requestParameters.secretIdList")?;
            } else if n == "GetSecretValue" {
                c.target("json.requestParameters.secretId")?;
            }
        }
        "signin.amazonaws.com" if n == "ConsoleLogin" => c.target("json.recipientAccountId")?,
        "ssm.amazonaws.com" => ssm(c, n)?,
        "sts.amazonaws.com" => {
            c.related(&[
                "json.requestParameters.roleArn",
                "json.sourceIdentity",
                "json.additionalEventData.MFAIdentifier",
                "json.responseElements.assumedRoleUser.arn",
                "json.requestParameters.roleSessionName",
                "json.responseElements.accessKeyId",
            ])?;
            if n == "AssumeRole" {
                match c.get("json.userIdentity.type").and_then(Value::as_str) {
                    Some("AWSService") => c.set_actor("json.userIdentity.invokedBy"),
                    Some("AssumedRole") => c.set_actor("json.userIdentity.sessionContext.sessionIssuer.arn"),
                    _ => c.set_actor("json.userIdentity.arn"),
                }
                c.target("json.requestParameters.roleArn")?;
            } else if n == "GetCallerIdentity" {
                c.target("json.recipientAccountId")?;
                c.set_actor("json.userIdentity.arn");
            }
        }
        "wafv2.amazonaws.com" => {
            c.related(&["json.requestParameters.id", "json.responseElements.summary"])?;
            if is(&["DeleteRuleGroup", "DeleteWebACL"]) {
                c.target("json.requestParameters.id")?;
            }
        }
        "sns.amazonaws.com" => {
            if n == "CreateTopic" {
                c.target("json.responseElements.topicArn")?;
            } else if is(&["Subscribe", "Publish"]) {
                c.target("json.requestParameters.topicArn")?;
            }
        }
        "bedrock.amazonaws.com" if n == "Converse" => c.target("json.requestParameters.modelId")?,
        "elasticloadbalancing.amazonaws.com" if n == "DescribeLoadBalancers" => c.target("json.recipientAccountId")?,
        "dynamodb.amazonaws.com" if n == "ListTables" => c.target("json.recipientAccountId")?,
        _ => {}
    }
    Ok(())
}

fn ec2(c: &mut C<'_, '_>, n: &str) -> R {
    c.related(&[
        "json.requestParameters.groupId",
        "json.requestParameters.groupName",
        "json.requestParameters.roleName",
        "json.requestParameters.subnetId",
        "json.requestParameters.volumeId",
        "json.requestParameters.networkInterfaceId",
        "json.requestParameters.vpcId",
        "json.requestParameters.snapshotId",
        "json.responseElements.groupId",
        "json.responseElements.reservationId",
        "json.responseElements.vpc.vpcId",
        "json.responseElements.vpc.dhcpOptionsId",
        "json.responseElements.snapshotId",
        "json.responseElements.volumeId",
    ])?;
    for i in c.list("json.responseElements.securityGroupRuleSet.items")? {
        let referenced = C::member_opt(C::member(i, "referencedGroupInfo")?, "groupId")?;
        c.related_values(&[C::member(i, "groupId")?, referenced, C::member(i, "securityGroupRuleId")?])?;
    }
    c.related_each("json.responseElements.groupSet.items", "groupId")?;
    c.related_each("json.requestParameters.groupSet.items", "groupId")?;
    c.related_each("json.requestParameters.instancesSet.items", "instanceId")?;
    for inst in c.list("json.responseElements.instancesSet.items")? {
        let profile = C::member_opt(C::member(inst, "iamInstanceProfile")?, "arn")?;
        c.related_values(&[
            C::member(inst, "subnetId")?,
            C::member(inst, "vpcId")?,
            C::member(inst, "instanceId")?,
            C::member(inst, "imageId")?,
            profile,
        ])?;
        let Some(items) = C::member_opt(C::member(inst, "networkInterfaceSet")?, "items")? else {
            continue;
        };
        let Value::Array(items) = items else {
            return Err("dynamic method [stream/0] not found".into());
        };
        for net in items {
            c.related_values(&[C::member(net, "networkInterfaceId")?, C::member(net, "vpcId")?, C::member(net, "subnetId")?])?;
            let Some(groups) = C::member_opt(C::member(net, "groupSet")?, "items")? else {
                continue;
            };
            let Value::Array(groups) = groups else {
                return Err("dynamic method [stream/0] not found".into());
            };
            for g in groups {
                c.related_values(&[C::member(g, "groupId")?])?;
            }
        }
    }
    for i in c.list("json.requestParameters.revokedSecurityGroupRuleSet.items")? {
        c.related_values(&[C::member(i, "securityGroupRuleId")?, C::member(i, "groupId")?])?;
    }
    match n {
        "AuthorizeSecurityGroupIngress" | "AuthorizeSecurityGroupEgress" => {
            c.target("json.requestParameters.groupId")?;
            for f in c.list("json.responseElements.securityGroupRuleSet.items")? {
                c.target_values(&[C::member(f, "securityGroupRuleId")?])?;
            }
        }
        "CreateTrafficMirrorFilter" => {
            c.target("json.responseElements.CreateTrafficMirrorFilterResponse.trafficMirrorFilter.trafficMirrorFilterId")?
        }
        "CreateTrafficMirrorFilterRule" => {
            c.target("json.responseElements.CreateTrafficMirrorFilterRuleResponse.trafficMirrorFilterRule.trafficMirrorFilterRuleId")?
        }
        "CreateTrafficMirrorSession" => {
            c.target("json.responseElements.CreateTrafficMirrorSessionResponse.trafficMirrorSession.trafficMirrorSessionId")?
        }
        "CreateTrafficMirrorTarget" => {
            c.target("json.responseElements.CreateTrafficMirrorTargetResponse.trafficMirrorTarget.trafficMirrorTargetId")?
        }
        "DeleteFlowLogs" => c.target("json.requestParameters.DeleteFlowLogsRequest.FlowLogId.content")?,
        "DeleteNetworkAcl" => c.target("json.requestParameters.networkAclId")?,
        "DeleteNetworkAclEntry" => {
            c.target("json.requestParameters.networkAclId")?;
            if let Some(rule) = c.get("json.requestParameters.ruleNumber") {
                c.target_value(&crate::ecs::javamap::to_java_string(rule));
            }
        }
        "GetPasswordData" => c.target("json.requestParameters.instanceId")?,
        "ModifyImageAttribute" => c.target("json.requestParameters.imageId")?,
        "ModifySnapshotAttribute" => c.target("json.requestParameters.snapshotId")?,
        "DescribeSecurityGroups"
        | "DescribeNetworkInterfaces"
        | "DescribeRegions"
        | "DescribeVpcs"
        | "DescribeNetworkAcls"
        | "DescribeVolumes" => c.target("json.recipientAccountId")?,
        _ => {}
    }
    Ok(())
}

fn iam(c: &mut C<'_, '_>, n: &str) -> R {
    c.related(&[
        "json.requestParameters.userName",
        "json.requestParameters.serialNumber",
        "json.requestParameters.accessKeyId",
        "json.requestParameters.policyArn",
        "json.requestParameters.roleName",
        "json.requestParameters.policyName",
        "json.requestParameters.serialNumber",
        "json.responseElements.accessKey.userName",
        "json.responseElements.accessKey.accessKeyId",
        "json.responseElements.user.arn",
        "json.responseElements.user.userId",
        "json.responseElements.user.userName",
        "json.responseElements.userId",
        "json.responseElements.role.arn",
        "json.responseElements.serialNumber",
    ])?;
    match n {
        "AttachGroupPolicy" => c.target("json.requestParameters.groupName")?,
        "AttachRolePolicy" | "ListAttachedRolePolicies" | "UpdateAssumeRolePolicy" => c.target("json.requestParameters.roleName")?,
        "AttachUserPolicy" => {
            c.target("json.requestParameters.policyArn")?;
            c.target("json.requestParameters.userName")?;
        }
        "CreateAccessKey" => {
            c.target("json.responseElements.accessKey.accessKeyId")?;
            c.target("json.requestParameters.userName")?;
        }
        "CreateUser" | "DeactivateMFADevice" => c.target("json.requestParameters.userName")?,
        "DeleteVirtualMFADevice" => c.target("json.requestParameters.serialNumber")?,
        "GetPolicy" => c.target("json.requestParameters.policyArn")?,
        "CreatePolicy" => c.target("json.responseElements.policy.arn")?,
        "ListRoles" | "ListUsers" => c.target("json.recipientAccountId")?,
        _ => {}
    }
    Ok(())
}

fn rds(c: &mut C<'_, '_>, n: &str) -> R {
    c.related(&[
        "json.requestParameters.dBInstanceIdentifier",
        "json.requestParameters.dBInstanceArn",
        "json.responseElements.dBInstanceIdentifier",
        "json.responseElements.dbInstanceArn",
        "json.responseElements.dBSubnetGroup.vpcId",
        "json.responseElements.vpcSecurityGroups.vpcSecurityGroupId",
    ])?;
    c.related_each("json.responseElements.dBSubnetGroup.subnets", "subnetIdentifier")?;
    c.related_each("json.responseElements.vpcSecurityGroups", "vpcSecurityGroupId")?;
    match n {
        "DeleteDBCluster" | "ModifyDBCluster" | "StopDBCluster" => c.target("json.responseElements.dBClusterArn")?,
        "DeleteDBInstance" | "ModifyDBInstance" | "RestoreDBInstanceFromDBSnapshot" | "RestoreDBInstanceFromS3" | "StopDBInstance" => {
            c.target("json.responseElements.dBInstanceArn")?
        }
        "DeleteGlobalCluster" => c.target("json.responseElements.globalClusterArn")?,
        "ModifyDBClusterSnapshotAttribute" => c.target("json.responseElements.dBClusterSnapshotIdentifier")?,
        "ModifyDBSnapshotAttribute" => c.target("json.responseElements.dBSnapshotIdentifier")?,
        "DescribeDBInstances" => c.target("json.recipientAccountId")?,
        _ => {}
    }
    Ok(())
}

fn ssm(c: &mut C<'_, '_>, n: &str) -> R {
    match n {
        "GetParameter" | "GetParameters" | "CreateControlChannel" | "OpenControlChannel" => c.target_resources()?,
        "StartSession" => c.target("json.requestParameters.target")?,
        "CreateDocument" => c.target("json.requestParameters.name")?,
        "TerminateSession" | "OpenDataChannel" => c.target("json.requestParameters.sessionId")?,
        "SendCommand" => {
            let mut ids: Vec<Option<&Value>> = c.list("json.requestParameters.instanceIds")?.iter().map(Some).collect();
            if ids.is_empty() {
                for t in c.list("json.requestParameters.targets")? {
                    match C::member(t, "values")? {
                        Some(Value::Array(vals)) => ids.extend(vals.iter().map(Some)),
                        _ => return Err("dynamic method [stream/0] not found".into()),
                    }
                }
            }
            if ids.len() == 1 && ids[0].and_then(Value::as_str) == Some("*") {
                ids = vec![c.get("json.recipientAccountId")];
            }
            c.target_values(&ids)?;
        }
        "ListInstanceAssociations" => c.target("json.recipientAccountId")?,
        _ => {}
    }
    Ok(())
}
