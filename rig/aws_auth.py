"""IAM helpers for testing SigV4 against moto: a user with logs:* and its keys, temporary
credentials from STS, and switching moto's signature checking on and off."""
import json
import urllib.request

import boto3

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"}]}


def _client(service, args, key="testing", secret="testing", token=None):
    return boto3.client(service, endpoint_url=args.endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)


def iam(args):
    """A user with logs:* (and sts:AssumeRole with --may-assume) and its keys."""
    client = _client("iam", args)
    name = getattr(args, "name", None) or "logstream-rig"
    policy = json.loads(json.dumps(POLICY))
    if getattr(args, "may_assume", False):
        policy["Statement"].append({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:GetCallerIdentity"], "Resource": "*"})
    client.create_user(UserName=name)
    client.put_user_policy(UserName=name, PolicyName="logs", PolicyDocument=json.dumps(policy))
    key = client.create_access_key(UserName=name)["AccessKey"]
    return {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def role(args):
    """A role with logs:* that anyone may assume (by keys or web identity); its ARN. With
    --account, in that account (moto keeps accounts apart; reached by assuming a role there)."""
    client = _client("iam", args)
    if getattr(args, "account", ""):
        creds = _client("sts", args).assume_role(RoleArn="arn:aws:iam::%s:role/rig-bootstrap" % args.account, RoleSessionName="rig")["Credentials"]
        client = _client("iam", args, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Federated": "*"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}
    created = client.create_role(RoleName=args.name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    client.put_role_policy(RoleName=args.name, PolicyName="logs", PolicyDocument=json.dumps(POLICY))
    return {"arn": created["Arn"]}


def assume_role(args):
    client = _client("iam", args)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    role = client.create_role(RoleName="logstream-rig-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    client.put_role_policy(RoleName="logstream-rig-role", PolicyName="logs", PolicyDocument=json.dumps(POLICY))
    creds = _client("sts", args).assume_role(RoleArn=role["Arn"], RoleSessionName="rig")["Credentials"]
    return {"key": creds["AccessKeyId"], "secret": creds["SecretAccessKey"], "token": creds["SessionToken"]}


def auth(args):
    value = b"0" if args.state == "on" else b"inf"
    request = urllib.request.Request(args.endpoint + "/moto-api/reset-auth", data=value, method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()
    return {"auth": args.state}
