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
    client = _client("iam", args)
    client.create_user(UserName="logstream-rig")
    client.put_user_policy(UserName="logstream-rig", PolicyName="logs", PolicyDocument=json.dumps(POLICY))
    key = client.create_access_key(UserName="logstream-rig")["AccessKey"]
    return {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


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
