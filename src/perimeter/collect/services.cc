#include "perimeter/collect/services.h"

#include <map>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"

namespace perimeter::collect {

namespace {

using aws::AwsService;
using aws::HttpResponse;

// A paginated list stops after this many pages: a service that keeps answering a next token
// (a broken endpoint) must not hold the collector forever. The cut is recorded as an error.
constexpr int kMaxPages = 10'000;

void PageLimit(const Scope& scope, const ServiceCall& call) {
  scope.Fail(call, scope.region, "",
             absl::DataLossError(base::Concat(call.operation, ": more than ", kMaxPages,
                                              " pages; the rest is not collected")));
}

std::string Arn(const Scope& scope, std::string_view service, std::string_view region,
                std::string_view account, std::string_view resource) {
  return base::Concat("arn:", scope.partition, ":", service, ":", region, ":", account, ":",
                      resource);
}

void Emit(const Scope& scope, std::string arn, std::string_view type, std::string_view member,
          std::string region, json::Writer& configuration) {
  scope.sink.Resource(ResourceRecord{std::move(arn), std::string(type), scope.account,
                                     std::move(region), std::string(member),
                                     std::string(configuration.text())});
}

// The policy member, when there is one.
void PolicyMember(json::Writer& w, std::string_view key, const std::optional<std::string>& policy) {
  if (policy && !policy->empty()) w.Key(key).String(*policy);
}

std::string JsonObject(
    std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  json::Writer w;
  w.BeginObject();
  for (const auto& [key, value] : members) w.Key(key).String(value);
  w.EndObject();
  return std::move(w).Take();
}

// ---- Query-protocol calls (form parameters, XML answers).

ServiceCall Iam(std::string_view operation, std::string_view action, const FormParameters& p) {
  return QueryCall(AwsService::kIam, "2010-05-08", operation, action, p);
}
ServiceCall Sqs(std::string_view operation, const FormParameters& p) {
  return QueryCall(AwsService::kSqs, "2012-11-05", operation, base::Concat("sqs:", operation), p);
}
ServiceCall Sns(std::string_view operation, const FormParameters& p) {
  return QueryCall(AwsService::kSns, "2010-03-31", operation, base::Concat("sns:", operation), p);
}
ServiceCall Ec2(std::string_view operation, const FormParameters& p) {
  return QueryCall(AwsService::kEc2, "2016-11-15", operation, base::Concat("ec2:", operation), p);
}
ServiceCall Rds(std::string_view operation, const FormParameters& p) {
  return QueryCall(AwsService::kRds, "2014-10-31", operation, base::Concat("rds:", operation), p);
}
ServiceCall Kms(std::string_view operation, std::string body) {
  return JsonCall(AwsService::kKms, "TrentService", "1.1", operation,
                  base::Concat("kms:", operation), std::move(body));
}
ServiceCall Secrets(std::string_view operation, std::string body) {
  return JsonCall(AwsService::kSecretsManager, "secretsmanager", "1.1", operation,
                  base::Concat("secretsmanager:", operation), std::move(body));
}
ServiceCall Ecr(std::string_view operation, std::string body) {
  return JsonCall(AwsService::kEcr, "AmazonEC2ContainerRegistry_V20150921", "1.1", operation,
                  base::Concat("ecr:", operation), std::move(body));
}
ServiceCall DynamoDb(std::string_view operation, std::string body) {
  return JsonCall(AwsService::kDynamoDb, "DynamoDB_20120810", "1.0", operation,
                  base::Concat("dynamodb:", operation), std::move(body));
}

// Parses an answer, recording a malformed one.
template <typename Parsed>
std::optional<Parsed> Read(const Scope& scope, const ServiceCall& call, std::string_view region,
                           std::string_view resource, absl::StatusOr<Parsed> parsed) {
  if (parsed.ok()) return std::move(*parsed);
  scope.Fail(call, region, resource, parsed.status());
  return std::nullopt;
}

std::optional<std::unique_ptr<XmlElement>> SendXml(
    const Scope& scope, const ServiceCall& call, std::string_view region, std::string_view resource,
    std::initializer_list<std::string_view> absent = {}, bool* was_absent = nullptr) {
  std::optional<HttpResponse> response = scope.Send(call, region, resource, absent, was_absent);
  if (!response) return std::nullopt;
  return Read(scope, call, region, resource, XmlBody(*response, call.operation));
}

std::optional<json::Document> SendJson(const Scope& scope, const ServiceCall& call,
                                       std::string_view region, std::string_view resource,
                                       std::initializer_list<std::string_view> absent = {},
                                       bool* was_absent = nullptr) {
  std::optional<HttpResponse> response = scope.Send(call, region, resource, absent, was_absent);
  if (!response) return std::nullopt;
  return Read(scope, call, region, resource, JsonBody(*response, call.operation));
}

std::string AccountOfArn(std::string_view arn) {
  // arn:partition:service:region:account:...
  size_t at = 0;
  for (int field = 0; field < 4 && at != std::string_view::npos; ++field) {
    at = arn.find(':', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return std::string(arn);
  size_t end = arn.find(':', at);
  return std::string(arn.substr(at, end == std::string_view::npos ? end : end - at));
}

bool XmlBool(const XmlElement& parent, std::string_view name) {
  std::optional<std::string> text = parent.Text(name);
  return text && *text == "true";
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

ServiceCall GetCallerIdentityCall() {
  return QueryCall(AwsService::kSts, "2011-06-15", "GetCallerIdentity", "sts:GetCallerIdentity",
                   {});
}

ServiceCall ListRegionsCall(const std::string& next_token) {
  json::Writer w;
  w.BeginObject().Key("MaxResults").Int(50);
  w.Key("RegionOptStatusContains").BeginArray().String("ENABLED").String("ENABLED_BY_DEFAULT");
  w.EndArray();
  if (!next_token.empty()) w.Key("NextToken").String(next_token);
  w.EndObject();
  return RestCall(AwsService::kAccount, "ListRegions", "account:ListRegions", "POST",
                  "/listRegions", std::move(w).Take());
}

ServiceCall DescribeRegionsCall() { return Ec2("DescribeRegions", {}); }

// ---------------------------------------------------------------------------------------------
// S3 (REST-XML; S3 Control for the account's settings and access points).

namespace {

ServiceCall S3(std::string_view operation, std::string_view action, std::string target) {
  return RestCall(AwsService::kS3, operation, action, "GET", std::move(target));
}

ServiceCall S3Control(std::string_view operation, std::string_view action, std::string target,
                      const std::string& account) {
  ServiceCall call = RestCall(AwsService::kS3Control, operation, action, "GET", std::move(target));
  call.request.headers.emplace_back("x-amz-account-id", account);
  return call;
}

struct AccessPointEntry {
  std::string arn;
  std::string vpc_id;  // "" for an Internet origin
  std::optional<std::string> policy;
  bool multi_region = false;               // a Multi-Region Access Point: no network origin
  std::optional<PublicAccessBlock> block;  // the point's own, when read
};

// Multi-Region Access Points of the account (S3 Control in us-west-2, where AWS serves their
// control plane: Amazon S3 User Guide, "Multi-Region Access Points"), by bucket name. The
// established policy is the one in force (Amazon S3 API Reference,
// GetMultiRegionAccessPointPolicy); the proposed one is read when none is established yet.
void ListMultiRegionAccessPoints(const Scope& scope,
                                 std::map<std::string, std::vector<AccessPointEntry>>& out) {
  const std::string region = "us-west-2";
  std::string next;
  for (int page = 0;; ++page) {
    std::string target = "/v20180820/mrap/instances?maxResults=100";
    if (!next.empty()) target += "&nextToken=" + Encode(next);
    ServiceCall call = S3Control("ListMultiRegionAccessPoints", "s3:ListMultiRegionAccessPoints",
                                 std::move(target), scope.account);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, region, "");
    if (!root) return;
    if (const XmlElement* list = (*root)->Child("AccessPoints")) {
      for (const XmlElement* point : list->Children("AccessPoint")) {
        std::string name = point->Text("Name").value_or("");
        AccessPointEntry entry;
        entry.multi_region = true;
        entry.arn = base::Concat("arn:", scope.partition, ":s3::", scope.account, ":accesspoint/",
                                 point->Text("Alias").value_or(name));
        if (const XmlElement* block = point->Child("PublicAccessBlock")) {
          entry.block = PublicAccessBlock{
              XmlBool(*block, "BlockPublicAcls"), XmlBool(*block, "IgnorePublicAcls"),
              XmlBool(*block, "BlockPublicPolicy"), XmlBool(*block, "RestrictPublicBuckets")};
        }
        ServiceCall policy_call = S3Control(
            "GetMultiRegionAccessPointPolicy", "s3:GetMultiRegionAccessPointPolicy",
            base::Concat("/v20180820/mrap/instances/", Encode(name), "/policy"), scope.account);
        bool absent = false;
        std::optional<std::unique_ptr<XmlElement>> policy = SendXml(
            scope, policy_call, region, entry.arn, {"NoSuchMultiRegionAccessPointPolicy"}, &absent);
        if (policy) {
          entry.policy = (*policy)->Text("Policy/Established/Policy");
          if (!entry.policy || entry.policy->empty())
            entry.policy = (*policy)->Text("Policy/Proposed/Policy");
        } else if (!absent) {
          continue;  // the error is recorded
        }
        if (const XmlElement* regions = point->Child("Regions")) {
          for (const XmlElement* member : regions->Children("Region")) {
            out[member->Text("Bucket").value_or("")].push_back(entry);
          }
        }
      }
    }
    next = (*root)->Text("NextToken").value_or("");
    if (next.empty()) return;
  }
}

// Access points of `region`, by bucket name.
void ListAccessPoints(const Scope& scope, const std::string& region,
                      std::map<std::string, std::vector<AccessPointEntry>>& out) {
  std::string next;
  for (int page = 0;; ++page) {
    std::string target = "/v20180820/accesspoint?maxResults=1000";
    if (!next.empty()) target += "&nextToken=" + Encode(next);
    ServiceCall call =
        S3Control("ListAccessPoints", "s3:ListAccessPoints", std::move(target), scope.account);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, region, "");
    if (!root) return;
    if (const XmlElement* list = (*root)->Child("AccessPointList")) {
      for (const XmlElement* point : list->Children("AccessPoint")) {
        AccessPointEntry entry;
        std::string name = point->Text("Name").value_or("");
        entry.arn = point->Text("AccessPointArn")
                        .value_or(Arn(scope, "s3", region, scope.account,
                                      base::Concat("accesspoint/", name)));
        if (point->Text("NetworkOrigin").value_or("") == "VPC")
          entry.vpc_id = point->Text("VpcConfiguration/VpcId").value_or("");
        // The point's own Block Public Access (on by default for new access points):
        // GetAccessPoint.
        std::optional<std::unique_ptr<XmlElement>> details =
            SendXml(scope,
                    S3Control("GetAccessPoint", "s3:GetAccessPoint",
                              base::Concat("/v20180820/accesspoint/", Encode(name)), scope.account),
                    region, entry.arn);
        if (!details) continue;  // the error is recorded
        if (const XmlElement* block = (*details)->Child("PublicAccessBlockConfiguration")) {
          entry.block = PublicAccessBlock{
              XmlBool(*block, "BlockPublicAcls"), XmlBool(*block, "IgnorePublicAcls"),
              XmlBool(*block, "BlockPublicPolicy"), XmlBool(*block, "RestrictPublicBuckets")};
        }
        ServiceCall policy_call = S3Control(
            "GetAccessPointPolicy", "s3:GetAccessPointPolicy",
            base::Concat("/v20180820/accesspoint/", Encode(name), "/policy"), scope.account);
        bool absent = false;
        std::optional<std::unique_ptr<XmlElement>> policy =
            SendXml(scope, policy_call, region, entry.arn, {"NoSuchAccessPointPolicy"}, &absent);
        if (policy) {
          entry.policy = (*policy)->Text("Policy");
        } else if (!absent) {
          continue;  // the error is recorded; the bucket record says nothing false about it
        }
        out[point->Text("Bucket").value_or("")].push_back(std::move(entry));
      }
    }
    next = (*root)->Text("NextToken").value_or("");
    if (next.empty()) return;
  }
}

}  // namespace

std::optional<PublicAccessBlock> ReadAccountPublicAccessBlock(const Scope& scope,
                                                              const std::string& home_region) {
  ServiceCall call = S3Control("GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock",
                               "/v20180820/configuration/publicAccessBlock", scope.account);
  std::optional<std::unique_ptr<XmlElement>> root =
      SendXml(scope, call, home_region, "", {"NoSuchPublicAccessBlockConfiguration"});
  if (!root) return std::nullopt;
  const XmlElement& block = **root;
  return PublicAccessBlock{XmlBool(block, "BlockPublicAcls"), XmlBool(block, "IgnorePublicAcls"),
                           XmlBool(block, "BlockPublicPolicy"),
                           XmlBool(block, "RestrictPublicBuckets")};
}

void CollectS3Buckets(const Scope& scope, const std::string& home_region,
                      const std::vector<std::string>& regions) {
  ServiceCall list = S3("ListBuckets", "s3:ListAllMyBuckets", "/");
  std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, list, home_region, "");
  if (!root) return;
  std::string owner_id = (*root)->Text("Owner/ID").value_or("");
  struct Bucket {
    std::string name;
    std::string region;
  };
  std::vector<Bucket> buckets;
  std::set<std::string> point_regions(regions.begin(), regions.end());
  if (const XmlElement* list_element = (*root)->Child("Buckets")) {
    for (const XmlElement* bucket : list_element->Children("Bucket")) {
      std::string name = bucket->Text("Name").value_or("");
      if (name.empty()) continue;
      ServiceCall location = S3("GetBucketLocation", "s3:GetBucketLocation",
                                base::Concat("/", Encode(name), "?location"));
      std::optional<std::unique_ptr<XmlElement>> answer = SendXml(
          scope, location, home_region, base::Concat("arn:", scope.partition, ":s3:::", name));
      if (!answer) continue;
      // An empty LocationConstraint is us-east-1, "EU" the old name of eu-west-1 (Amazon S3 API
      // Reference, GetBucketLocation).
      std::string region = (*answer)->text;
      if (region.empty()) region = "us-east-1";
      if (region == "EU") region = "eu-west-1";
      point_regions.insert(region);
      buckets.push_back({std::move(name), std::move(region)});
    }
  }
  std::map<std::string, std::vector<AccessPointEntry>> points;
  for (const std::string& region : point_regions) ListAccessPoints(scope, region, points);
  if (scope.partition == "aws") ListMultiRegionAccessPoints(scope, points);

  for (const Bucket& bucket : buckets) {
    std::string arn = base::Concat("arn:", scope.partition, ":s3:::", bucket.name);
    std::string path = base::Concat("/", Encode(bucket.name));
    bool absent = false;
    std::optional<HttpResponse> policy =
        scope.Send(S3("GetBucketPolicy", "s3:GetBucketPolicy", path + "?policy"), bucket.region,
                   arn, {"NoSuchBucketPolicy"}, &absent);
    if (!policy && !absent) continue;
    std::optional<std::unique_ptr<XmlElement>> acl =
        SendXml(scope, S3("GetBucketAcl", "s3:GetBucketAcl", path + "?acl"), bucket.region, arn);
    if (!acl) continue;
    std::optional<std::unique_ptr<XmlElement>> block = SendXml(
        scope,
        S3("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", path + "?publicAccessBlock"),
        bucket.region, arn, {"NoSuchPublicAccessBlockConfiguration"}, &absent);
    if (!block && !absent) continue;

    json::Writer w;
    w.BeginObject();
    if (policy) PolicyMember(w, "bucketPolicy", policy->body);
    if (!owner_id.empty()) w.Key("ownerCanonicalId").String(owner_id);
    w.Key("bucketAclGrants").BeginArray();
    if (const XmlElement* list_element = (*acl)->Child("AccessControlList")) {
      for (const XmlElement* grant : list_element->Children("Grant")) {
        const XmlElement* grantee = grant->Child("Grantee");
        if (grantee == nullptr) continue;
        w.BeginObject().Key("permission").String(grant->Text("Permission").value_or(""));
        w.Key("grantee").BeginObject();
        if (std::optional<std::string> uri = grantee->Text("URI")) {
          w.Key("uri").String(*uri);
        } else if (std::optional<std::string> email = grantee->Text("EmailAddress")) {
          w.Key("emailAddress").String(*email);
        } else {
          w.Key("id").String(grantee->Text("ID").value_or(""));
        }
        w.EndObject().EndObject();
      }
    }
    w.EndArray();
    if (block) {
      w.Key("bucketPublicAccessBlock").BeginObject();
      w.Key("ignorePublicAcls").Bool(XmlBool(**block, "IgnorePublicAcls"));
      w.Key("restrictPublicBuckets").Bool(XmlBool(**block, "RestrictPublicBuckets"));
      w.EndObject();
    }
    w.Key("accessPoints").BeginObject();
    for (const AccessPointEntry& point : points[bucket.name]) {
      w.Key(point.arn).BeginObject();
      PolicyMember(w, "accessPointPolicy", point.policy);
      if (point.block) {
        w.Key("publicAccessBlock").BeginObject();
        w.Key("ignorePublicAcls").Bool(point.block->ignore_public_acls);
        w.Key("restrictPublicBuckets").Bool(point.block->restrict_public_buckets);
        w.EndObject();
      }
      if (!point.multi_region) {
        w.Key("networkOrigin").BeginObject();
        if (point.vpc_id.empty()) {
          w.Key("internetConfiguration").BeginObject().EndObject();
        } else {
          w.Key("vpcConfiguration").BeginObject().Key("vpcId").String(point.vpc_id).EndObject();
        }
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndObject().EndObject();
    Emit(scope, arn, "AWS::S3::Bucket", "s3Bucket", bucket.region, w);
  }
}

// The access points of directory bucket `bucket` (`bucket_arn`): S3 Control's
// ListAccessPointsForDirectoryBuckets and GetAccessPointPolicy at the same Regional endpoint
// s3express-control.REGION, signed as s3express, with the account in x-amz-account-id (Amazon S3
// API Reference, "ListAccessPointsForDirectoryBuckets", "GetAccessPointPolicy"; botocore's
// s3control model: UseS3ExpressControlEndpoint). Writes `accessPoints` (ARN -> {accessPointPolicy,
// networkOrigin}, docs/inventory.md) into `w`; false when a call failed (the error is recorded: a
// bucket without all its access points is not emitted).
bool WriteDirectoryAccessPoints(const Scope& scope, const std::string& bucket,
                                const std::string& bucket_arn, json::Writer& w) {
  w.Key("accessPoints").BeginObject();
  std::string next;
  for (int page = 0;; ++page) {
    std::string target = base::Concat(
        "/v20180820/accesspointfordirectory?directoryBucket=", Encode(bucket), "&maxResults=1000");
    if (!next.empty()) target += "&nextToken=" + Encode(next);
    ServiceCall call =
        RestCall(AwsService::kS3Express, "ListAccessPointsForDirectoryBuckets",
                 "s3express:ListAccessPointsForDirectoryBuckets", "GET", std::move(target));
    call.request.headers.emplace_back("x-amz-account-id", scope.account);
    if (page == kMaxPages) {
      PageLimit(scope, call);
      return false;
    }
    std::optional<std::unique_ptr<XmlElement>> root =
        SendXml(scope, call, scope.region, bucket_arn);
    if (!root) return false;
    if (const XmlElement* list = (*root)->Child("AccessPointList")) {
      for (const XmlElement* point : list->Children("AccessPoint")) {
        std::string name = point->Text("Name").value_or("");
        if (name.empty()) continue;
        std::string arn = point->Text("AccessPointArn")
                              .value_or(Arn(scope, "s3express", scope.region, scope.account,
                                            "accesspoint/" + name));
        ServiceCall policy_call = RestCall(
            AwsService::kS3Express, "GetAccessPointPolicy", "s3express:GetAccessPointPolicy", "GET",
            base::Concat("/v20180820/accesspoint/", Encode(name), "/policy"));
        policy_call.request.headers.emplace_back("x-amz-account-id", scope.account);
        bool absent = false;
        std::optional<std::unique_ptr<XmlElement>> policy =
            SendXml(scope, policy_call, scope.region, arn, {"NoSuchAccessPointPolicy"}, &absent);
        if (!policy && !absent) return false;
        w.Key(arn).BeginObject();
        if (policy) PolicyMember(w, "accessPointPolicy", (*policy)->Text("Policy"));
        w.Key("networkOrigin").BeginObject();
        if (point->Text("NetworkOrigin").value_or("") == "VPC") {
          w.Key("vpcConfiguration")
              .BeginObject()
              .Key("vpcId")
              .String(point->Text("VpcConfiguration/VpcId").value_or(""))
              .EndObject();
        } else {
          w.Key("internetConfiguration").BeginObject().EndObject();
        }
        w.EndObject().EndObject();
      }
    }
    next = (*root)->Text("NextToken").value_or("");
    if (next.empty()) break;
  }
  w.EndObject();
  return true;
}

// Directory buckets (S3 Express One Zone): ListDirectoryBuckets and GetBucketPolicy at the Regional
// endpoint s3express-control.REGION, path-style, signed as s3express (Amazon S3 API Reference,
// ListDirectoryBuckets, GetBucketPolicy: "Directory buckets"), and their access points.
void CollectS3DirectoryBuckets(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    std::string target = "/?x-id=ListDirectoryBuckets&max-directory-buckets=1000";
    if (!next.empty()) target += "&continuation-token=" + Encode(next);
    ServiceCall call = RestCall(AwsService::kS3Express, "ListDirectoryBuckets",
                                "s3express:ListAllMyDirectoryBuckets", "GET", std::move(target));
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, scope.region, "");
    if (!root) return;
    if (const XmlElement* buckets = (*root)->Child("Buckets")) {
      for (const XmlElement* bucket : buckets->Children("Bucket")) {
        std::string name = bucket->Text("Name").value_or("");
        if (name.empty()) continue;
        std::string arn = Arn(scope, "s3express", scope.region, scope.account, "bucket/" + name);
        bool absent = false;
        std::optional<HttpResponse> policy = scope.Send(
            RestCall(AwsService::kS3Express, "GetBucketPolicy", "s3express:GetBucketPolicy", "GET",
                     base::Concat("/", Encode(name), "?policy")),
            scope.region, arn, {"NoSuchBucketPolicy"}, &absent);
        if (!policy && !absent) continue;
        json::Writer w;
        w.BeginObject();
        if (policy) PolicyMember(w, "bucketPolicy", policy->body);
        if (!WriteDirectoryAccessPoints(scope, name, arn, w)) continue;
        w.EndObject();
        Emit(scope, arn, "AWS::S3Express::DirectoryBucket", "s3ExpressDirectoryBucket",
             scope.region, w);
      }
    }
    next = (*root)->Text("ContinuationToken").value_or("");
    if (next.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// IAM (query).

void CollectIamRoles(const Scope& scope, const std::string& home_region) {
  std::string marker;
  for (int page = 0;; ++page) {
    FormParameters parameters = {{"MaxItems", "1000"}};
    if (!marker.empty()) parameters.emplace_back("Marker", marker);
    ServiceCall call = Iam("ListRoles", "iam:ListRoles", parameters);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, home_region, "");
    if (!root) return;
    const XmlElement* result = (*root)->Child("ListRolesResult");
    if (result == nullptr) {
      return scope.Fail(call, home_region, "",
                        absl::DataLossError("ListRoles: the answer has no ListRolesResult"));
    }
    if (const XmlElement* roles = result->Child("Roles")) {
      for (const XmlElement* role : roles->Children("member")) {
        std::string arn = role->Text("Arn").value_or("");
        if (arn.empty()) continue;
        json::Writer w;
        w.BeginObject();
        PolicyMember(w, "trustPolicy",
                     PercentDecode(role->Text("AssumeRolePolicyDocument").value_or("")));
        w.EndObject();
        Emit(scope, arn, "AWS::IAM::Role", "iamRole", "", w);
      }
    }
    if (result->Text("IsTruncated").value_or("false") != "true") return;
    marker = result->Text("Marker").value_or("");
    if (marker.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// KMS (JSON 1.1).

void CollectKmsKeys(const Scope& scope) {
  std::string marker;
  for (int page = 0;; ++page) {
    json::Writer body;
    body.BeginObject().Key("Limit").Int(1000);
    if (!marker.empty()) body.Key("Marker").String(marker);
    body.EndObject();
    ServiceCall call = Kms("ListKeys", std::move(body).Take());
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& key : JsonArray(list->root(), "Keys")) {
      std::string key_arn = JsonString(key, "KeyArn");
      std::string key_id = JsonString(key, "KeyId");
      if (key_arn.empty())
        key_arn = Arn(scope, "kms", scope.region, scope.account, "key/" + key_id);
      std::optional<json::Document> policy = SendJson(
          scope, Kms("GetKeyPolicy", JsonObject({{"KeyId", key_arn}, {"PolicyName", "default"}})),
          scope.region, key_arn);
      if (!policy) continue;
      json::Writer w;
      w.BeginObject().Key("keyPolicies").BeginObject();
      PolicyMember(w, "default", JsonString(policy->root(), "Policy"));
      w.EndObject().Key("grants").BeginArray();
      std::string grant_marker;
      bool complete = true;
      for (int grant_page = 0; complete; ++grant_page) {
        json::Writer grant_body;
        grant_body.BeginObject().Key("KeyId").String(key_arn).Key("Limit").Int(100);
        if (!grant_marker.empty()) grant_body.Key("Marker").String(grant_marker);
        grant_body.EndObject();
        ServiceCall grants_call = Kms("ListGrants", std::move(grant_body).Take());
        if (grant_page == kMaxPages) {
          PageLimit(scope, grants_call);
          complete = false;
          break;
        }
        std::optional<json::Document> grants = SendJson(scope, grants_call, scope.region, key_arn);
        if (!grants) {
          complete = false;
          break;
        }
        for (const json::Value& grant : JsonArray(grants->root(), "Grants")) {
          w.BeginObject().Key("operations").BeginArray();
          for (const json::Value& operation : JsonArray(grant, "Operations")) {
            if (operation.is_string()) w.String(operation.text());
          }
          w.EndArray();
          w.Key("granteePrincipal").String(JsonString(grant, "GranteePrincipal"));
          if (std::string retiring = JsonString(grant, "RetiringPrincipal"); !retiring.empty())
            w.Key("retiringPrincipal").String(retiring);
          std::string issuing = JsonString(grant, "IssuingAccount");
          w.Key("issuingAccount").String(issuing.empty() ? scope.account : AccountOfArn(issuing));
          if (std::optional<json::Value> constraints = grant.Find("Constraints");
              constraints && constraints->is_object()) {
            w.Key("constraints").BeginObject();
            for (auto [from, to] : {std::pair<std::string_view, std::string_view>{
                                        "EncryptionContextEquals", "encryptionContextEquals"},
                                    {"EncryptionContextSubset", "encryptionContextSubset"}}) {
              if (std::optional<json::Value> map = constraints->Find(from); map && map->is_object())
                w.Key(to).Copy(*map);
            }
            w.EndObject();
          }
          w.EndObject();
        }
        std::optional<json::Value> truncated = grants->root().Find("Truncated");
        grant_marker = JsonString(grants->root(), "NextMarker");
        if (!truncated || !truncated->is_bool() || !truncated->boolean() || grant_marker.empty())
          break;
      }
      if (!complete)
        continue;  // the error is recorded; a key without all its grants is not emitted
      w.EndArray().EndObject();
      Emit(scope, key_arn, "AWS::KMS::Key", "kmsKey", scope.region, w);
    }
    std::optional<json::Value> truncated = list->root().Find("Truncated");
    marker = JsonString(list->root(), "NextMarker");
    if (!truncated || !truncated->is_bool() || !truncated->boolean() || marker.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// SQS and SNS (query).

void CollectSqsQueues(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    FormParameters parameters = {{"MaxResults", "1000"}};
    if (!next.empty()) parameters.emplace_back("NextToken", next);
    ServiceCall call = Sqs("ListQueues", parameters);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, scope.region, "");
    if (!root) return;
    const XmlElement* result = (*root)->Child("ListQueuesResult");
    if (result == nullptr) return;
    for (const XmlElement* url : result->Children("QueueUrl")) {
      std::optional<std::unique_ptr<XmlElement>> attributes =
          SendXml(scope,
                  Sqs("GetQueueAttributes", {{"QueueUrl", url->text},
                                             {"AttributeName.1", "Policy"},
                                             {"AttributeName.2", "QueueArn"}}),
                  scope.region, url->text);
      if (!attributes) continue;
      std::string arn;
      std::optional<std::string> policy;
      if (const XmlElement* attrs = (*attributes)->Child("GetQueueAttributesResult")) {
        for (const XmlElement* attribute : attrs->Children("Attribute")) {
          std::string name = attribute->Text("Name").value_or("");
          if (name == "QueueArn") arn = attribute->Text("Value").value_or("");
          if (name == "Policy") policy = attribute->Text("Value");
        }
      }
      if (arn.empty()) {
        // The queue URL is https://sqs.REGION.amazonaws.com/ACCOUNT/NAME.
        std::string_view text = url->text;
        arn = Arn(scope, "sqs", scope.region, scope.account, text.substr(text.rfind('/') + 1));
      }
      json::Writer w;
      w.BeginObject();
      PolicyMember(w, "queuePolicy", policy);
      w.EndObject();
      Emit(scope, arn, "AWS::SQS::Queue", "sqsQueue", scope.region, w);
    }
    next = result->Text("NextToken").value_or("");
    if (next.empty()) return;
  }
}

void CollectSnsTopics(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    FormParameters parameters;
    if (!next.empty()) parameters.emplace_back("NextToken", next);
    ServiceCall call = Sns("ListTopics", parameters);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, scope.region, "");
    if (!root) return;
    const XmlElement* result = (*root)->Child("ListTopicsResult");
    if (result == nullptr) return;
    if (const XmlElement* topics = result->Child("Topics")) {
      for (const XmlElement* topic : topics->Children("member")) {
        std::string arn = topic->Text("TopicArn").value_or("");
        if (arn.empty()) continue;
        std::optional<std::unique_ptr<XmlElement>> attributes =
            SendXml(scope, Sns("GetTopicAttributes", {{"TopicArn", arn}}), scope.region, arn);
        if (!attributes) continue;
        std::optional<std::string> policy;
        if (const XmlElement* entries =
                (*attributes)->Find("GetTopicAttributesResult/Attributes")) {
          for (const XmlElement* entry : entries->Children("entry")) {
            if (entry->Text("key").value_or("") == "Policy") policy = entry->Text("value");
          }
        }
        json::Writer w;
        w.BeginObject();
        PolicyMember(w, "topicPolicy", policy);
        w.EndObject();
        Emit(scope, arn, "AWS::SNS::Topic", "snsTopic", scope.region, w);
      }
    }
    next = result->Text("NextToken").value_or("");
    if (next.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager and ECR (JSON 1.1), DynamoDB (JSON 1.0).

void CollectSecrets(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    json::Writer body;
    body.BeginObject().Key("MaxResults").Int(100);
    if (!next.empty()) body.Key("NextToken").String(next);
    body.EndObject();
    ServiceCall call = Secrets("ListSecrets", std::move(body).Take());
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& secret : JsonArray(list->root(), "SecretList")) {
      std::string arn = JsonString(secret, "ARN");
      if (arn.empty()) continue;
      std::optional<json::Document> policy = SendJson(
          scope, Secrets("GetResourcePolicy", JsonObject({{"SecretId", arn}})), scope.region, arn);
      if (!policy) continue;
      json::Writer w;
      w.BeginObject();
      PolicyMember(w, "secretPolicy", JsonString(policy->root(), "ResourcePolicy"));
      if (std::string key = JsonString(secret, "KmsKeyId"); !key.empty())
        w.Key("kmsKeyId").String(key);
      w.EndObject();
      Emit(scope, arn, "AWS::SecretsManager::Secret", "secretsManagerSecret", scope.region, w);
    }
    next = JsonString(list->root(), "NextToken");
    if (next.empty()) return;
  }
}

void CollectEcrRepositories(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    json::Writer body;
    body.BeginObject().Key("maxResults").Int(1000);
    if (!next.empty()) body.Key("nextToken").String(next);
    body.EndObject();
    ServiceCall call = Ecr("DescribeRepositories", std::move(body).Take());
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& repository : JsonArray(list->root(), "repositories")) {
      std::string arn = JsonString(repository, "repositoryArn");
      std::string name = JsonString(repository, "repositoryName");
      bool absent = false;
      std::optional<json::Document> policy =
          SendJson(scope, Ecr("GetRepositoryPolicy", JsonObject({{"repositoryName", name}})),
                   scope.region, arn, {"RepositoryPolicyNotFoundException"}, &absent);
      if (!policy && !absent) continue;
      json::Writer w;
      w.BeginObject();
      if (policy) PolicyMember(w, "repositoryPolicy", JsonString(policy->root(), "policyText"));
      w.EndObject();
      Emit(scope, arn, "AWS::ECR::Repository", "ecrRepository", scope.region, w);
    }
    next = JsonString(list->root(), "nextToken");
    if (next.empty()) return;
  }
}

void CollectDynamoDbTables(const Scope& scope) {
  std::string start;
  for (int page = 0;; ++page) {
    json::Writer body;
    body.BeginObject().Key("Limit").Int(100);
    if (!start.empty()) body.Key("ExclusiveStartTableName").String(start);
    body.EndObject();
    ServiceCall call = DynamoDb("ListTables", std::move(body).Take());
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& name : JsonArray(list->root(), "TableNames")) {
      if (!name.is_string()) continue;
      std::string table_name(name.text());
      std::optional<json::Document> table =
          SendJson(scope, DynamoDb("DescribeTable", JsonObject({{"TableName", table_name}})),
                   scope.region, table_name);
      if (!table) continue;
      std::optional<json::Value> description = table->root().Find("Table");
      if (!description || !description->is_object()) continue;
      std::string table_arn = JsonString(*description, "TableArn");
      std::string stream_arn = JsonString(*description, "LatestStreamArn");
      for (auto [arn, type, member, key] :
           {std::tuple<std::string, std::string_view, std::string_view, std::string_view>{
                table_arn, "AWS::DynamoDB::Table", "dynamodbTable", "tablePolicy"},
            {stream_arn, "AWS::DynamoDB::Stream", "dynamodbStream", "streamPolicy"}}) {
        if (arn.empty()) continue;
        bool absent = false;
        std::optional<json::Document> policy =
            SendJson(scope, DynamoDb("GetResourcePolicy", JsonObject({{"ResourceArn", arn}})),
                     scope.region, arn, {"PolicyNotFoundException"}, &absent);
        if (!policy && !absent) continue;
        json::Writer w;
        w.BeginObject();
        if (policy) PolicyMember(w, key, JsonString(policy->root(), "Policy"));
        w.EndObject();
        Emit(scope, arn, type, member, scope.region, w);
      }
    }
    start = JsonString(list->root(), "LastEvaluatedTableName");
    if (start.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Lambda and EFS (REST-JSON).

void CollectLambdaFunctions(const Scope& scope) {
  std::string marker;
  for (int page = 0;; ++page) {
    std::string target = "/2015-03-31/functions/?MaxItems=50";
    if (!marker.empty()) target += "&Marker=" + Encode(marker);
    ServiceCall call = RestCall(AwsService::kLambda, "ListFunctions", "lambda:ListFunctions", "GET",
                                std::move(target));
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& function : JsonArray(list->root(), "Functions")) {
      std::string arn = JsonString(function, "FunctionArn");
      std::string name = JsonString(function, "FunctionName");
      // GetPolicy answers ResourceNotFoundException for a function without a policy (Lambda API
      // Reference, GetPolicy).
      bool absent = false;
      std::optional<json::Document> policy =
          SendJson(scope,
                   RestCall(AwsService::kLambda, "GetPolicy", "lambda:GetPolicy", "GET",
                            base::Concat("/2015-03-31/functions/", Encode(name), "/policy")),
                   scope.region, arn, {"ResourceNotFoundException"}, &absent);
      if (!policy && !absent) continue;
      json::Writer w;
      w.BeginObject();
      if (policy) PolicyMember(w, "functionPolicy", JsonString(policy->root(), "Policy"));
      w.EndObject();
      Emit(scope, arn, "AWS::Lambda::Function", "lambdaFunction", scope.region, w);
    }
    marker = JsonString(list->root(), "NextMarker");
    if (marker.empty()) return;
  }
}

void CollectLambdaLayers(const Scope& scope) {
  std::string marker;
  for (int page = 0;; ++page) {
    std::string target = "/2018-10-31/layers?MaxItems=50";
    if (!marker.empty()) target += "&Marker=" + Encode(marker);
    ServiceCall call =
        RestCall(AwsService::kLambda, "ListLayers", "lambda:ListLayers", "GET", std::move(target));
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& layer : JsonArray(list->root(), "Layers")) {
      std::string name = JsonString(layer, "LayerName");
      std::string version_marker;
      for (int version_page = 0; version_page < kMaxPages; ++version_page) {
        std::string versions_target =
            base::Concat("/2018-10-31/layers/", Encode(name), "/versions?MaxItems=50");
        if (!version_marker.empty()) versions_target += "&Marker=" + Encode(version_marker);
        std::optional<json::Document> versions =
            SendJson(scope,
                     RestCall(AwsService::kLambda, "ListLayerVersions", "lambda:ListLayerVersions",
                              "GET", std::move(versions_target)),
                     scope.region, JsonString(layer, "LayerArn"));
        if (!versions) break;
        for (const json::Value& version : JsonArray(versions->root(), "LayerVersions")) {
          std::string arn = JsonString(version, "LayerVersionArn");
          std::optional<json::Value> number = version.Find("Version");
          if (arn.empty() || !number || !number->is_number()) continue;
          bool absent = false;
          std::optional<json::Document> policy =
              SendJson(scope,
                       RestCall(AwsService::kLambda, "GetLayerVersionPolicy",
                                "lambda:GetLayerVersionPolicy", "GET",
                                base::Concat("/2018-10-31/layers/", Encode(name), "/versions/",
                                             number->text(), "/policy")),
                       scope.region, arn, {"ResourceNotFoundException"}, &absent);
          if (!policy && !absent) continue;
          json::Writer w;
          w.BeginObject();
          if (policy) PolicyMember(w, "layerVersionPolicy", JsonString(policy->root(), "Policy"));
          w.EndObject();
          Emit(scope, arn, "AWS::Lambda::LayerVersion", "lambdaLayerVersion", scope.region, w);
        }
        version_marker = JsonString(versions->root(), "NextMarker");
        if (version_marker.empty()) break;
      }
    }
    marker = JsonString(list->root(), "NextMarker");
    if (marker.empty()) return;
  }
}

void CollectEfsFileSystems(const Scope& scope) {
  std::string marker;
  for (int page = 0;; ++page) {
    std::string target = "/2015-02-01/file-systems?MaxItems=100";
    if (!marker.empty()) target += "&Marker=" + Encode(marker);
    ServiceCall call = RestCall(AwsService::kEfs, "DescribeFileSystems",
                                "elasticfilesystem:DescribeFileSystems", "GET", std::move(target));
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<json::Document> list = SendJson(scope, call, scope.region, "");
    if (!list) return;
    for (const json::Value& system : JsonArray(list->root(), "FileSystems")) {
      std::string id = JsonString(system, "FileSystemId");
      std::string arn = JsonString(system, "FileSystemArn");
      if (arn.empty())
        arn = Arn(scope, "elasticfilesystem", scope.region, scope.account, "file-system/" + id);
      bool absent = false;
      std::optional<json::Document> policy =
          SendJson(scope,
                   RestCall(AwsService::kEfs, "DescribeFileSystemPolicy",
                            "elasticfilesystem:DescribeFileSystemPolicy", "GET",
                            base::Concat("/2015-02-01/file-systems/", Encode(id), "/policy")),
                   scope.region, arn, {"PolicyNotFound"}, &absent);
      if (!policy && !absent) continue;
      json::Writer w;
      w.BeginObject();
      if (policy) PolicyMember(w, "fileSystemPolicy", JsonString(policy->root(), "Policy"));
      w.EndObject();
      Emit(scope, arn, "AWS::EFS::FileSystem", "efsFileSystem", scope.region, w);
    }
    marker = JsonString(list->root(), "NextMarker");
    if (marker.empty()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// EBS snapshots (ec2) and RDS snapshots (query).

void CollectEbsSnapshots(const Scope& scope) {
  std::string next;
  for (int page = 0;; ++page) {
    FormParameters parameters = {{"OwnerId.1", "self"}, {"MaxResults", "1000"}};
    if (!next.empty()) parameters.emplace_back("NextToken", next);
    ServiceCall call = Ec2("DescribeSnapshots", parameters);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, scope.region, "");
    if (!root) return;
    if (const XmlElement* set = (*root)->Child("snapshotSet")) {
      for (const XmlElement* snapshot : set->Children("item")) {
        std::string id = snapshot->Text("snapshotId").value_or("");
        if (id.empty()) continue;
        std::string arn =
            base::Concat("arn:", scope.partition, ":ec2:", scope.region, "::snapshot/", id);
        std::optional<std::unique_ptr<XmlElement>> attribute =
            SendXml(scope,
                    Ec2("DescribeSnapshotAttribute",
                        {{"Attribute", "createVolumePermission"}, {"SnapshotId", id}}),
                    scope.region, arn);
        if (!attribute) continue;
        json::Writer w;
        w.BeginObject();
        std::vector<std::string> users, groups;
        if (const XmlElement* permissions = (*attribute)->Child("createVolumePermission")) {
          for (const XmlElement* item : permissions->Children("item")) {
            if (std::optional<std::string> user = item->Text("userId")) users.push_back(*user);
            if (std::optional<std::string> group = item->Text("group")) groups.push_back(*group);
          }
        }
        w.Key("userIds").StringArray(users).Key("groups").StringArray(groups);
        if (std::optional<std::string> key = snapshot->Text("kmsKeyId"); key && !key->empty())
          w.Key("kmsKeyId").String(*key);
        w.EndObject();
        Emit(scope, arn, "AWS::EC2::Snapshot", "ebsSnapshot", scope.region, w);
      }
    }
    next = (*root)->Text("nextToken").value_or("");
    if (next.empty()) return;
  }
}

namespace {

// DB snapshots and DB cluster snapshots differ only in names.
struct RdsKind {
  std::string_view list_operation, list_element, item_element, id_element, arn_element;
  std::string_view attributes_operation, attributes_result, attributes_list, attribute_element;
  std::string_view id_parameter, type, member;
};

constexpr RdsKind kDbSnapshots{
    "DescribeDBSnapshots",        "DBSnapshots",          "DBSnapshot",
    "DBSnapshotIdentifier",       "DBSnapshotArn",        "DescribeDBSnapshotAttributes",
    "DBSnapshotAttributesResult", "DBSnapshotAttributes", "DBSnapshotAttribute",
    "DBSnapshotIdentifier",       "AWS::RDS::DBSnapshot", "rdsDbSnapshot"};
constexpr RdsKind kClusterSnapshots{"DescribeDBClusterSnapshots",
                                    "DBClusterSnapshots",
                                    "DBClusterSnapshot",
                                    "DBClusterSnapshotIdentifier",
                                    "DBClusterSnapshotArn",
                                    "DescribeDBClusterSnapshotAttributes",
                                    "DBClusterSnapshotAttributesResult",
                                    "DBClusterSnapshotAttributes",
                                    "DBClusterSnapshotAttribute",
                                    "DBClusterSnapshotIdentifier",
                                    "AWS::RDS::DBClusterSnapshot",
                                    "rdsDbClusterSnapshot"};

void CollectRds(const Scope& scope, const RdsKind& kind) {
  std::string marker;
  for (int page = 0;; ++page) {
    FormParameters parameters = {{"SnapshotType", "manual"}, {"MaxRecords", "100"}};
    if (!marker.empty()) parameters.emplace_back("Marker", marker);
    ServiceCall call = Rds(kind.list_operation, parameters);
    if (page == kMaxPages) return PageLimit(scope, call);
    std::optional<std::unique_ptr<XmlElement>> root = SendXml(scope, call, scope.region, "");
    if (!root) return;
    const XmlElement* result = (*root)->Child(base::Concat(kind.list_operation, "Result"));
    if (result == nullptr) return;
    if (const XmlElement* list = result->Child(kind.list_element)) {
      for (const XmlElement* snapshot : list->Children(kind.item_element)) {
        std::string id = snapshot->Text(kind.id_element).value_or("");
        std::string arn = snapshot->Text(kind.arn_element).value_or("");
        if (id.empty() || arn.empty()) continue;
        std::optional<std::unique_ptr<XmlElement>> attributes =
            SendXml(scope, Rds(kind.attributes_operation, {{std::string(kind.id_parameter), id}}),
                    scope.region, arn);
        if (!attributes) continue;
        std::vector<std::string> restore;
        const XmlElement* attribute_list =
            (*attributes)
                ->Find(base::Concat(kind.attributes_operation, "Result/", kind.attributes_result,
                                    "/", kind.attributes_list));
        if (attribute_list != nullptr) {
          for (const XmlElement* attribute : attribute_list->Children(kind.attribute_element)) {
            if (attribute->Text("AttributeName").value_or("") != "restore") continue;
            if (const XmlElement* values = attribute->Child("AttributeValues")) {
              for (const XmlElement* value : values->Children("AttributeValue"))
                restore.push_back(value->text);
            }
          }
        }
        json::Writer w;
        w.BeginObject().Key("attributes").BeginObject().Key("restore").BeginObject();
        w.Key("accountIds").StringArray(restore).EndObject().EndObject();
        if (std::optional<std::string> key = snapshot->Text("KmsKeyId"); key && !key->empty())
          w.Key("kmsKeyId").String(*key);
        w.EndObject();
        Emit(scope, arn, kind.type, kind.member, scope.region, w);
      }
    }
    marker = result->Text("Marker").value_or("");
    if (marker.empty()) return;
  }
}

}  // namespace

void CollectRdsSnapshots(const Scope& scope) {
  CollectRds(scope, kDbSnapshots);
  CollectRds(scope, kClusterSnapshots);
}

void CollectRegion(const Scope& scope) {
  CollectKmsKeys(scope);
  CollectS3DirectoryBuckets(scope);
  CollectSqsQueues(scope);
  CollectSnsTopics(scope);
  CollectSecrets(scope);
  CollectLambdaFunctions(scope);
  CollectLambdaLayers(scope);
  CollectEcrRepositories(scope);
  CollectEfsFileSystems(scope);
  CollectDynamoDbTables(scope);
  CollectEbsSnapshots(scope);
  CollectRdsSnapshots(scope);
}

}  // namespace perimeter::collect
