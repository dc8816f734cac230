"""A fake AWS endpoint for `perimeter collect`'s tests: one HTTP server answering every service the
collector calls, in each service's wire format (AWS API references; botocore's service models):
query/XML (IAM, SNS, SQS, STS, RDS), ec2/XML (EC2), JSON 1.0/1.1 (KMS, Secrets Manager, ECR, DynamoDB,
Organizations), REST-JSON (Lambda, EFS, Account) and REST-XML (S3, S3 Control).

The service is told by the SigV4 credential scope (Authorization: ... Credential=AKID/DATE/REGION/SERVICE/...),
the caller's account by the access key (the org's keys are KEYS; AssumeRole hands out "ASIA" + account).
Every request is recorded (`requests`) for the model check. The world (`World`) has two accounts in an
organization, resources of every type in two regions, and the awkward cases: pagination of every list,
a throttled first call (ThrottlingException / 429 / 503), AccessDenied, and a malformed answer.
"""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

MGMT, MEMBER, EXTERNAL = "111111111111", "222222222222", "999999999999"
ORG, ROOT, OU = "o-exampleorg1", "r-ab12", "ou-ab12-11111111"
REGIONS = ["us-east-1", "eu-west-1"]
OPT_IN = "me-south-1"  # not enabled by the accounts
KEYS = {"AKIAFAKEMGMT00000001": MGMT}


def policy(statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def trust(principal):
    return policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def allow(principal, action, resource, **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    statement.update(extra)
    return policy(statement)


class World:
    """What the fake organization holds; `n` scales the per-region resource count (benchmark)."""

    def __init__(self, extra_queues=0, latency=0.0, members=0, regions=None, throttle=True):
        self.extra_queues = extra_queues
        self.throttle = throttle  # answer the first call of some lists with throttling
        self.latency = latency
        self.regions = regions or REGIONS
        # `members` more member accounts (benchmark), in the OU like MEMBER.
        self.accounts = [MGMT, MEMBER] + [f"{300000000000 + i:012d}" for i in range(members)]
        self.throttled = set()  # (account, region, operation) already throttled once
        # Changes a test makes to the world while a collector watches it: a bucket's policy text (None: no
        # policy), buckets deleted.
        self.bucket_policies = {}
        self.deleted_buckets = set()
        self.lock = threading.Lock()
        self.requests = []

    def throttle_once(self, account, region, operation):
        if not self.throttle:
            return False
        with self.lock:
            key = (account, region, operation)
            if key in self.throttled:
                return False
            self.throttled.add(key)
            return True


def xml_response(operation, namespace, inner, query=True):
    if query:
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response xmlns="{namespace}">'
                f'<{operation}Result>{inner}</{operation}Result>'
                f'<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{operation}Response>')
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response xmlns="{namespace}">{inner}</{operation}Response>'


def query_error(code, message, status=400):
    return status, "text/xml", (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>'
                                f'<Message>{escape(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>')


def json_error(code, message, status=400):
    return status, "application/x-amz-json-1.1", json.dumps({"__type": code, "message": message})


def rest_json_error(code, message, status):
    return status, "application/json", json.dumps({"message": message}), {"x-amzn-ErrorType": code}


def s3_error(code, message, status):
    return status, "application/xml", f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"


def page(items, token, size=2):
    start = int(token or 0)
    chunk = items[start:start + size]
    following = str(start + size) if start + size < len(items) else ""
    return chunk, following


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    world = None  # set by serve()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        auth = self.headers.get("Authorization", "")
        scope = auth.split("Credential=")[1].split(",")[0].split("/") if "Credential=" in auth else ["", "", "", ""]
        key, region, service = scope[0], scope[2], scope[3]
        account = KEYS.get(key) or (key[4:16] if key.startswith("ASIA") else "")
        url = urllib.parse.urlsplit(self.path)
        record = {"method": self.command, "path": url.path, "query": url.query, "service": service,
                  "region": region, "account": account, "body": body,
                  "headers": {k.lower(): v for k, v in self.headers.items()}}
        world = self.world
        with world.lock:
            world.requests.append(record)
        if world.latency:
            import time
            time.sleep(world.latency)
        try:
            answer = route(world, record, account, region, service)
        except Exception as error:  # a bug of the fake: answer 500 so that the test sees it
            answer = (500, "text/plain", f"fake_aws: {error!r}")
        status, content_type, text = answer[:3]
        headers = answer[3] if len(answer) > 3 else {}
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def form(body):
    return dict(urllib.parse.parse_qsl(body, keep_blank_values=True))


def route(world, r, account, region, service):
    if not account:
        return query_error("InvalidClientTokenId", "unknown key", 403)
    if region == OPT_IN:  # a region the accounts have not enabled: AWS does not know the keys there
        if r["headers"].get("x-amz-target"):
            return json_error("UnrecognizedClientException", "The security token included in the request is invalid.")
        if service in ("sts", "iam", "sns", "sqs", "rds", "ec2"):
            return query_error("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        return rest_json_error("UnrecognizedClientException", "The security token included in the request is invalid.", 403)
    if service in ("sts", "iam", "sns", "sqs", "rds", "ec2"):
        return query_service(world, r, account, region, service, form(r["body"]))
    target = r["headers"].get("x-amz-target", "")
    if target:
        return json_service(world, r, account, region, target, json.loads(r["body"] or "{}"))
    if service == "s3" and r["path"].startswith("/v20180820/"):
        return s3_control(world, r, account, region)
    if service == "s3":
        return s3(world, r, account, region)
    if service == "s3express":
        return s3express(world, r, account, region)
    if service == "lambda":
        return lambda_service(world, r, account, region)
    if service == "elasticfilesystem":
        return efs(world, r, account, region)
    if service == "account":
        if account == MEMBER:
            return rest_json_error("AccessDeniedException", "not authorized: account:ListRegions", 403)
        return 200, "application/json", json.dumps({"Regions": [
            {"RegionName": name, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for name in world.regions]})
    return 400, "text/plain", f"fake_aws: no service {service}"


# ---- query and ec2 protocols

def query_service(world, r, account, region, service, params):
    action = params.get("Action", "")
    ns = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/", "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
          "sns": "http://sns.amazonaws.com/doc/2010-03-31/", "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
          "rds": "http://rds.amazonaws.com/doc/2014-10-31/", "ec2": "http://ec2.amazonaws.com/doc/2016-11-15/"}[service]
    if service == "sts" and action == "GetCallerIdentity":
        return 200, "text/xml", xml_response(action, ns, f"<Arn>arn:aws:iam::{account}:user/collector</Arn>"
                                                           f"<UserId>AIDA</UserId><Account>{account}</Account>")
    if service == "sts" and action == "AssumeRole":
        target = params["RoleArn"].split(":")[4]
        if not params["RoleArn"].endswith(":role/OrganizationAccountAccessRole"):
            return query_error("AccessDenied", f"not authorized to assume {params['RoleArn']}", 403)
        return 200, "text/xml", xml_response(action, ns, (
            f"<Credentials><AccessKeyId>ASIA{target}0000</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
            f"<SessionToken>token-{target}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
            f"<AssumedRoleUser><Arn>arn:aws:sts::{target}:assumed-role/OrganizationAccountAccessRole/"
            f"{params['RoleSessionName']}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>"))
    if service == "iam" and action == "ListRoles":
        roles = [("admin", {"AWS": f"arn:aws:iam::{EXTERNAL}:root"}), ("lambda", {"Service": "lambda.amazonaws.com"}),
                 ("ci", {"AWS": f"arn:aws:iam::{MGMT}:root"})]
        chunk, following = page(roles, params.get("Marker"))
        members = "".join(
            f"<member><Path>/</Path><RoleName>{name}-{account}</RoleName><RoleId>AROA{name}</RoleId>"
            f"<Arn>arn:aws:iam::{account}:role/{name}-{account}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>"
            f"<AssumeRolePolicyDocument>{urllib.parse.quote(trust(principal))}"
            f"</AssumeRolePolicyDocument></member>"
            for name, principal in chunk)
        truncated = f"<IsTruncated>true</IsTruncated><Marker>{following}</Marker>" if following else "<IsTruncated>false</IsTruncated>"
        return 200, "text/xml", xml_response(action, ns, f"<Roles>{members}</Roles>{truncated}")
    if service == "sqs" and action == "ListQueues":
        names = ["public", "private"] + (["gone"] if account == MEMBER else []) + \
            [f"bulk-{i}" for i in range(world.extra_queues)]
        chunk, following = page(names, params.get("NextToken"), 2 if not world.extra_queues else 1000)
        urls = "".join(f"<QueueUrl>https://sqs.{region}.amazonaws.com/{account}/{n}</QueueUrl>" for n in chunk)
        token = f"<NextToken>{following}</NextToken>" if following else ""
        return 200, "text/xml", xml_response(action, ns, urls + token)
    if service == "sqs" and action == "GetQueueAttributes":
        name = params["QueueUrl"].rsplit("/", 1)[1]
        if name == "gone":
            return query_error("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        arn = f"arn:aws:sqs:{region}:{account}:{name}"
        attrs = f"<Attribute><Name>QueueArn</Name><Value>{arn}</Value></Attribute>"
        if name == "public":
            attrs += f"<Attribute><Name>Policy</Name><Value>{escape(allow('*', 'sqs:SendMessage', arn))}</Value></Attribute>"
        return 200, "text/xml", xml_response(action, ns, attrs)
    if service == "sns" and action == "ListTopics":
        if world.throttle_once(account, region, action):
            return query_error("Throttling", "Rate exceeded")
        topics = ["alerts", "broken"] if account == MEMBER else ["alerts"]
        members = "".join(f"<member><TopicArn>arn:aws:sns:{region}:{account}:{t}</TopicArn></member>" for t in topics)
        return 200, "text/xml", xml_response(action, ns, f"<Topics>{members}</Topics>")
    if service == "sns" and action == "GetTopicAttributes":
        arn = params["TopicArn"]
        if arn.endswith(":broken"):
            return 200, "text/xml", "<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes>"
        value = escape(allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "sns:Publish", arn))
        return 200, "text/xml", xml_response(action, ns, (
            f"<Attributes><entry><key>TopicArn</key><value>{arn}</value></entry>"
            f"<entry><key>Policy</key><value>{value}</value></entry></Attributes>"))
    if service == "ec2" and action == "DescribeRegions":
        items = "".join(f"<item><regionName>{n}</regionName><regionEndpoint>ec2.{n}.amazonaws.com</regionEndpoint>"
                        f"<optInStatus>opt-in-not-required</optInStatus></item>" for n in world.regions)
        return 200, "text/xml", xml_response(action, ns, f"<requestId>r</requestId><regionInfo>{items}</regionInfo>", False)
    if service == "ec2" and action == "DescribeSnapshots":
        snapshots = [f"snap-0public{account}", f"snap-0private{account}"]
        chunk, following = page(snapshots, params.get("NextToken"), 1)
        items = "".join(f"<item><snapshotId>{s}</snapshotId><ownerId>{account}</ownerId><encrypted>false</encrypted></item>"
                        for s in chunk)
        token = f"<nextToken>{following}</nextToken>" if following else ""
        return 200, "text/xml", xml_response(action, ns, f"<requestId>r</requestId><snapshotSet>{items}</snapshotSet>{token}", False)
    if service == "ec2" and action == "DescribeSnapshotAttribute":
        sid = params["SnapshotId"]
        perms = "<item><group>all</group></item>" if "public" in sid else ""
        return 200, "text/xml", xml_response(action, ns, f"<requestId>r</requestId><snapshotId>{sid}</snapshotId>"
                                                           f"<createVolumePermission>{perms}</createVolumePermission>", False)
    if service == "rds" and action in ("DescribeDBSnapshots", "DescribeDBClusterSnapshots"):
        cluster = "Cluster" in action
        kind = "DBClusterSnapshot" if cluster else "DBSnapshot"
        name = "weekly" if cluster else "nightly"
        arn_kind = "cluster-snapshot" if cluster else "snapshot"
        item = (f"<{kind}><{kind}Identifier>{name}</{kind}Identifier>"
                f"<{kind}Arn>arn:aws:rds:{region}:{account}:{arn_kind}:{name}</{kind}Arn></{kind}>")
        return 200, "text/xml", xml_response(action, ns, f"<{kind}s>{item}</{kind}s>")
    if service == "rds" and action in ("DescribeDBSnapshotAttributes", "DescribeDBClusterSnapshotAttributes"):
        cluster = "Cluster" in action
        kind = "DBClusterSnapshot" if cluster else "DBSnapshot"
        value = EXTERNAL if cluster else "all"
        inner = (f"<{kind}AttributesResult><{kind}Identifier>x</{kind}Identifier><{kind}Attributes>"
                 f"<{kind}Attribute><AttributeName>restore</AttributeName><AttributeValues>"
                 f"<AttributeValue>{value}</AttributeValue></AttributeValues></{kind}Attribute>"
                 f"</{kind}Attributes></{kind}AttributesResult>")
        return 200, "text/xml", xml_response(action, ns, inner)
    return query_error("InvalidAction", f"fake_aws: no {service} action {action}")


# ---- JSON 1.0 / 1.1

def json_service(world, r, account, region, target, body):
    prefix, operation = target.split(".", 1)
    ok = lambda value: (200, "application/x-amz-json-1.1", json.dumps(value))
    if prefix == "AWSOrganizationsV20161128":
        if account != MGMT:
            return json_error("AccessDeniedException", "You don't have permissions to access this resource.")
        if operation == "DescribeOrganization":
            return ok({"Organization": {"Id": ORG, "Arn": f"arn:aws:organizations::{MGMT}:organization/{ORG}",
                                        "MasterAccountId": MGMT, "FeatureSet": "ALL"}})
        if operation == "ListAccounts":
            accounts = [{"Id": a, "Arn": f"arn:aws:organizations::{MGMT}:account/{ORG}/{a}", "Name": a,
                         "Status": "ACTIVE"} for a in world.accounts]
            accounts.append({"Id": "333333333333", "Name": "gone", "Status": "SUSPENDED"})
            chunk, following = page(accounts, body.get("NextToken"), 1)
            return ok({"Accounts": chunk, **({"NextToken": following} if following else {})})
        if operation == "ListParents":
            child = body["ChildId"]
            parent = {MGMT: (ROOT, "ROOT"), OU: (ROOT, "ROOT")}.get(child, (OU, "ORGANIZATIONAL_UNIT"))
            return ok({"Parents": [{"Id": parent[0], "Type": parent[1]}]})
        if operation == "ListRoots":
            return ok({"Roots": [{"Id": ROOT, "Name": "Root"}]})
    if prefix == "TrentService":
        key_id = f"1234abcd-0000-0000-0000-{account}"
        key_arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
        if operation == "ListKeys":
            if world.throttle_once(account, region, operation):
                return json_error("ThrottlingException", "Rate exceeded")
            return ok({"Keys": [{"KeyId": key_id, "KeyArn": key_arn}], "Truncated": False})
        if operation == "GetKeyPolicy":
            return ok({"Policy": allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "kms:Decrypt", "*"), "PolicyName": "default"})
        if operation == "ListGrants":
            grants = [{"KeyId": key_arn, "GrantId": "g1", "GranteePrincipal": f"arn:aws:iam::{EXTERNAL}:role/reader",
                       "IssuingAccount": f"arn:aws:iam::{account}:root", "Operations": ["Decrypt"],
                       "Constraints": {"EncryptionContextSubset": {"Department": "IT"}}},
                      {"KeyId": key_arn, "GrantId": "g2", "GranteePrincipal": f"arn:aws:iam::{account}:role/app",
                       "IssuingAccount": f"arn:aws:iam::{account}:root", "Operations": ["Encrypt"]}]
            chunk, following = page(grants, body.get("Marker"), 1)
            return ok({"Grants": chunk, "Truncated": bool(following), **({"NextMarker": following} if following else {})})
    if prefix == "secretsmanager":
        if operation == "ListSecrets":
            secrets = [{"ARN": f"arn:aws:secretsmanager:{region}:{account}:secret:{n}-AbCdEf", "Name": n} for n in ("shared", "locked")]
            chunk, following = page(secrets, body.get("NextToken"), 1)
            return ok({"SecretList": chunk, **({"NextToken": following} if following else {})})
        if operation == "GetResourcePolicy":
            arn = body["SecretId"]
            if "locked" in arn:
                return json_error("AccessDeniedException", f"User is not authorized to perform: secretsmanager:GetResourcePolicy on {arn}")
            return ok({"ARN": arn, "Name": "shared", "ResourcePolicy": allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"},
                                                                              "secretsmanager:GetSecretValue", "*")})
    if prefix == "AmazonEC2ContainerRegistry_V20150921":
        if operation == "DescribeRepositories":
            repos = [{"repositoryArn": f"arn:aws:ecr:{region}:{account}:repository/{n}", "repositoryName": n,
                      "registryId": account} for n in ("app", "internal")]
            return ok({"repositories": repos})
        if operation == "GetRepositoryPolicy":
            name = body["repositoryName"]
            if name == "internal":
                return json_error("RepositoryPolicyNotFoundException", "no policy")
            return ok({"registryId": account, "repositoryName": name,
                       "policyText": allow("*", "ecr:BatchGetImage", "*").replace(', "Resource": "*"', "")})
    if prefix == "DynamoDB_20120810":
        table_arn = f"arn:aws:dynamodb:{region}:{account}:table/orders"
        stream_arn = table_arn + "/stream/2024-01-01T00:00:00.000"
        if operation == "ListTables":
            return ok({"TableNames": ["orders"]})
        if operation == "DescribeTable":
            return ok({"Table": {"TableName": "orders", "TableArn": table_arn, "LatestStreamArn": stream_arn}})
        if operation == "GetResourcePolicy":
            arn = body["ResourceArn"]
            if arn == stream_arn:
                return json_error("PolicyNotFoundException", "no policy")
            return ok({"Policy": allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "dynamodb:GetItem", arn), "RevisionId": "1"})
    return json_error("UnknownOperationException", f"fake_aws: no {target}")


# ---- REST-JSON

def lambda_service(world, r, account, region):
    path = r["path"]
    ok = lambda value: (200, "application/json", json.dumps(value))
    if path == "/2015-03-31/functions/":
        if world.throttle_once(account, region, "ListFunctions"):
            return 503, "application/json", json.dumps({"message": "Service unavailable"}), {"x-amzn-ErrorType": "ServiceException"}
        functions = [{"FunctionName": n, "FunctionArn": f"arn:aws:lambda:{region}:{account}:function:{n}"} for n in ("api", "worker")]
        query = dict(urllib.parse.parse_qsl(r["query"]))
        chunk, following = page(functions, query.get("Marker"), 1)
        return ok({"Functions": chunk, **({"NextMarker": following} if following else {})})
    if path.startswith("/2015-03-31/functions/") and path.endswith("/policy"):
        name = path.split("/")[3]
        if name == "worker":
            return rest_json_error("ResourceNotFoundException", "The resource you requested does not exist.", 404)
        arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        return ok({"Policy": allow({"Service": "s3.amazonaws.com"}, "lambda:InvokeFunction", arn).replace(
            '"Effect"', '"Sid": "s3", "Effect"'), "RevisionId": "1"})
    if path == "/2018-10-31/layers":
        if world.throttle_once(account, region, "ListLayers"):
            return rest_json_error("TooManyRequestsException", "Rate exceeded", 429)
        return ok({"Layers": [{"LayerName": "common", "LayerArn": f"arn:aws:lambda:{region}:{account}:layer:common"}]})
    if path == "/2018-10-31/layers/common/versions":
        return ok({"LayerVersions": [{"LayerVersionArn": f"arn:aws:lambda:{region}:{account}:layer:common:3", "Version": 3}]})
    if path == "/2018-10-31/layers/common/versions/3/policy":
        return ok({"Policy": allow("*", "lambda:GetLayerVersion", f"arn:aws:lambda:{region}:{account}:layer:common:3"), "RevisionId": "1"})
    return rest_json_error("UnknownOperationException", f"fake_aws: no lambda {path}", 404)


def efs(world, r, account, region):
    path = r["path"]
    if path == "/2015-02-01/file-systems":
        return 200, "application/json", json.dumps({"FileSystems": [
            {"FileSystemId": "fs-01234567", "FileSystemArn": f"arn:aws:elasticfilesystem:{region}:{account}:file-system/fs-01234567"}]})
    if path == "/2015-02-01/file-systems/fs-01234567/policy":
        arn = f"arn:aws:elasticfilesystem:{region}:{account}:file-system/fs-01234567"
        return 200, "application/json", json.dumps({"FileSystemId": "fs-01234567", "Policy": allow(
            {"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "elasticfilesystem:ClientMount", arn)})
    return rest_json_error("BadRequest", f"fake_aws: no efs {path}", 400)


# ---- REST-XML

S3NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def s3(world, r, account, region):
    path, query = r["path"], r["query"]
    xml = lambda text: (200, "application/xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    buckets = {f"public-{account}": "us-east-1", f"acl-{account}": "eu-west-1"}
    for gone in world.deleted_buckets:
        buckets.pop(gone, None)
    if path == "/":
        items = "".join(f"<Bucket><Name>{b}</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>" for b in buckets)
        return xml(f"<ListAllMyBucketsResult {S3NS}><Owner><ID>owner-{account}</ID></Owner><Buckets>{items}</Buckets></ListAllMyBucketsResult>")
    bucket = path.strip("/")
    if bucket not in buckets:
        return s3_error("NoSuchBucket", "The specified bucket does not exist", 404)
    if query == "location":
        constraint = "" if buckets[bucket] == "us-east-1" else buckets[bucket]
        return xml(f"<LocationConstraint {S3NS}>{constraint}</LocationConstraint>")
    if region != buckets[bucket]:
        return s3_error("PermanentRedirect", "wrong region", 301)
    if query == "policy" and bucket in world.bucket_policies:
        if world.bucket_policies[bucket] is None:
            return s3_error("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        return 200, "application/json", world.bucket_policies[bucket]
    if query == "policy":
        if bucket.startswith("acl-"):
            return s3_error("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        return 200, "application/json", allow("*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*")
    if query == "acl":
        grants = f'<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner-{account}</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>'
        if bucket.startswith("acl-"):
            grants += f'<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>{ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>'
        return xml(f"<AccessControlPolicy {S3NS}><Owner><ID>owner-{account}</ID></Owner><AccessControlList>{grants}</AccessControlList></AccessControlPolicy>")
    if query == "publicAccessBlock":
        return s3_error("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404)
    return s3_error("NotImplemented", f"fake_aws: {path}?{query}", 501)


def s3express(world, r, account, region):
    """Directory buckets at the Regional endpoint (s3express-control), path-style."""
    path, query = r["path"], dict(urllib.parse.parse_qsl(r["query"], keep_blank_values=True))
    xml = lambda text: (200, "application/xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    zone = {"us-east-1": "use1-az4", "eu-west-1": "euw1-az1"}.get(region, "az")
    names = [f"cache--{zone}--x-s3", f"logs--{zone}--x-s3"]
    if path == "/" and query.get("x-id") == "ListDirectoryBuckets":
        chunk, following = page(names, query.get("continuation-token"), 1)
        items = "".join(f"<Bucket><Name>{n}</Name><BucketRegion>{region}</BucketRegion></Bucket>" for n in chunk)
        token = f"<ContinuationToken>{following}</ContinuationToken>" if following else ""
        return xml(f"<ListAllMyDirectoryBucketsResult {S3NS}><Buckets>{items}</Buckets>{token}</ListAllMyDirectoryBucketsResult>")
    # S3 Control's directory-bucket access points, at the same endpoint (Amazon S3 API Reference,
    # ListAccessPointsForDirectoryBuckets, GetAccessPointPolicy): "cache" buckets have one, with a policy.
    control = "http://awss3control.amazonaws.com/doc/2018-08-20/"
    if path.startswith("/v20180820/") and r["headers"].get("x-amz-account-id") != account:
        return s3_error("AccessDenied", "x-amz-account-id is not the caller's", 403)
    if path == "/v20180820/accesspointfordirectory":
        bucket = query.get("directoryBucket", "")
        points = [f"share--{zone}--xa-s3"] if bucket.startswith("cache--") and bucket in names else []
        items = "".join(f"<AccessPoint><Name>{p}</Name><NetworkOrigin>Internet</NetworkOrigin><Bucket>{bucket}</Bucket>"
                        f"<AccessPointArn>arn:aws:s3express:{region}:{account}:accesspoint/{p}</AccessPointArn>"
                        f"</AccessPoint>" for p in points)
        return xml(f'<ListAccessPointsForDirectoryBucketsResult xmlns="{control}"><AccessPointList>{items}'
                   f'</AccessPointList></ListAccessPointsForDirectoryBucketsResult>')
    if path == f"/v20180820/accesspoint/share--{zone}--xa-s3/policy":
        ap = f"arn:aws:s3express:{region}:{account}:accesspoint/share--{zone}--xa-s3"
        text = allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "s3express:CreateSession", ap)
        return xml(f'<GetAccessPointPolicyResult xmlns="{control}"><Policy>{escape(text)}</Policy></GetAccessPointPolicyResult>')
    bucket = path.strip("/")
    if "policy" in query and bucket in names:
        if bucket.startswith("logs"):
            return s3_error("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
        arn = f"arn:aws:s3express:{region}:{account}:bucket/{bucket}"
        return 200, "application/json", allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "s3express:CreateSession", arn)
    return s3_error("NoSuchBucket", "The specified bucket does not exist", 404)


def s3_control(world, r, account, region):
    path = r["path"]
    header_account = r["headers"].get("x-amz-account-id", "")
    if header_account != account:
        return s3_error("AccessDenied", "x-amz-account-id is not the caller's", 403)
    xml = lambda text: (200, "application/xml", '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    ns = 'xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"'
    if path == "/v20180820/configuration/publicAccessBlock":
        if account == MEMBER:
            return s3_error("NoSuchPublicAccessBlockConfiguration", "none", 404)
        return xml(f"<PublicAccessBlockConfiguration {ns}><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>"
                   f"<BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>")
    if path == "/v20180820/accesspoint":
        if region != "us-east-1":
            return xml(f"<ListAccessPointsResult {ns}><AccessPointList/></ListAccessPointsResult>")
        point = (f"<AccessPoint><Name>shared</Name><NetworkOrigin>Internet</NetworkOrigin><Bucket>public-{account}</Bucket>"
                 f"<AccessPointArn>arn:aws:s3:us-east-1:{account}:accesspoint/shared</AccessPointArn></AccessPoint>")
        return xml(f"<ListAccessPointsResult {ns}><AccessPointList>{point}</AccessPointList></ListAccessPointsResult>")
    if path.startswith("/v20180820/mrap/"):
        if region != "us-west-2":  # AWS serves the Multi-Region Access Points' control plane in us-west-2
            return s3_error("InvalidRequest", "Multi-Region Access Point requests go to us-west-2", 400)
        if path == "/v20180820/mrap/instances":
            if account != MGMT:
                return xml(f"<ListMultiRegionAccessPointsResult {ns}><AccessPoints/></ListMultiRegionAccessPointsResult>")
            point = (f"<AccessPoint><Name>global</Name><Alias>mfzwi23gnjvgw.mrap</Alias><Status>READY</Status>"
                     f"<PublicAccessBlock><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
                     f"<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>"
                     f"</PublicAccessBlock><Regions><Region><Bucket>public-{account}</Bucket><Region>us-east-1</Region>"
                     f"</Region><Region><Bucket>acl-{account}</Bucket><Region>eu-west-1</Region></Region></Regions></AccessPoint>")
            return xml(f"<ListMultiRegionAccessPointsResult {ns}><AccessPoints>{point}</AccessPoints>"
                       f"</ListMultiRegionAccessPointsResult>")
        if path == "/v20180820/mrap/instances/global/policy":
            mrap = f"arn:aws:s3::{account}:accesspoint/mfzwi23gnjvgw.mrap"
            document = escape(allow({"AWS": f"arn:aws:iam::{EXTERNAL}:root"}, "s3:GetObject", mrap + "/object/*"))
            return xml(f"<GetMultiRegionAccessPointPolicyResult {ns}><Policy><Established><Policy>{document}</Policy>"
                       f"</Established></Policy></GetMultiRegionAccessPointPolicyResult>")
    if path == "/v20180820/accesspoint/shared":
        return xml(f"<GetAccessPointResult {ns}><Name>shared</Name><Bucket>public-{account}</Bucket>"
                   f"<NetworkOrigin>Internet</NetworkOrigin><PublicAccessBlockConfiguration>"
                   f"<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
                   f"<BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>"
                   f"</PublicAccessBlockConfiguration></GetAccessPointResult>")
    if path == "/v20180820/accesspoint/shared/policy":
        ap = f"arn:aws:s3:us-east-1:{account}:accesspoint/shared"
        return xml(f"<GetAccessPointPolicyResult {ns}><Policy>{escape(allow({'AWS': f'arn:aws:iam::{EXTERNAL}:root'}, 's3:GetObject', ap + '/object/*'))}</Policy></GetAccessPointPolicyResult>")
    return s3_error("NotImplemented", f"fake_aws: {path}", 501)


def serve(world, port=0):
    """Starts the fake on 127.0.0.1:port in a daemon thread; returns the server (server_address)."""
    handler = type("BoundHandler", (Handler,), {"world": world})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
