#include "perimeter/api/s3_operations.h"

#include <algorithm>
#include <charconv>

#include "perimeter/api/query_protocol.h"
#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"

namespace perimeter::api {
namespace {

constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr size_t kMaxBuckets = 10000;  // ListBuckets' max-buckets range is 1..10000

std::optional<std::string_view> Parameter(const ListBucketsQuery& query, std::string_view name) {
  for (const auto& [key, value] : query.parameters) {
    if (key == name) return value;
  }
  return std::nullopt;
}

AwsError InvalidArgument(std::string message) {
  return QueryProtocolError(400, "InvalidArgument", std::move(message));
}

}  // namespace

ApiResponse ListBuckets(const ListBucketsQuery& query, const S3Owner& owner,
                        std::vector<S3BucketEntry> buckets, std::string_view request_id) {
  size_t limit = kMaxBuckets;
  if (std::optional<std::string_view> text = Parameter(query, "max-buckets")) {
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < 1 ||
        value > kMaxBuckets) {
      return S3Error(InvalidArgument(base::Concat("max-buckets must be an integer from 1 to ",
                                                  kMaxBuckets, ".")),
                     request_id);
    }
    limit = value;
  }
  std::string prefix(Parameter(query, "prefix").value_or(""));
  std::string region(Parameter(query, "bucket-region").value_or(""));
  std::string after(Parameter(query, "continuation-token").value_or(""));
  std::sort(buckets.begin(), buckets.end(),
            [](const S3BucketEntry& a, const S3BucketEntry& b) { return a.name < b.name; });
  std::string items;
  size_t listed = 0;
  std::string token;
  for (const S3BucketEntry& bucket : buckets) {
    if (!bucket.name.starts_with(prefix)) continue;
    if (!region.empty() && bucket.region != region) continue;
    if (!after.empty() && bucket.name <= after) continue;
    if (listed == limit) {
      token = after;  // the last name listed: the next page starts after it
      break;
    }
    items += base::Concat("    <Bucket>\n      ", XmlElement("Name", bucket.name), "\n      ",
                          XmlElement("CreationDate", "1970-01-01T00:00:00.000Z"), "\n");
    if (!bucket.region.empty()) {
      items += base::Concat("      ", XmlElement("BucketRegion", bucket.region), "\n");
    }
    items += "    </Bucket>\n";
    after = bucket.name;
    ++listed;
  }
  ApiResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "application/xml"},
                      {"x-amz-request-id", std::string(request_id)}};
  response.body = base::Concat(
      kXmlDeclaration, "<ListAllMyBucketsResult xmlns=\"", kS3Namespace, "\">\n", "  <Owner>\n    ",
      XmlElement("ID", owner.id), "\n    ", XmlElement("DisplayName", owner.display_name),
      "\n  </Owner>\n", "  <Buckets>\n", items, "  </Buckets>\n",
      token.empty() ? "" : base::Concat("  ", XmlElement("ContinuationToken", token), "\n"),
      prefix.empty() ? "" : base::Concat("  ", XmlElement("Prefix", prefix), "\n"),
      "</ListAllMyBucketsResult>\n");
  return response;
}

ApiResponse S3Error(const AwsError& error, std::string_view request_id) {
  ApiResponse response;
  response.status = error.http_status;
  response.headers = {{"Content-Type", "application/xml"},
                      {"x-amz-request-id", std::string(request_id)},
                      {"x-amzn-ErrorType", error.code}};
  response.body = base::Concat(kXmlDeclaration, "<Error>\n  ", XmlElement("Code", error.code),
                               "\n  ", XmlElement("Message", error.message), "\n  ",
                               XmlElement("RequestId", request_id), "\n</Error>\n");
  return response;
}

AwsError S3AuthError(const AwsError& sigv4_error) {
  std::string code = sigv4_error.code;
  if (code == "MissingAuthenticationTokenException" || code == "IncompleteSignatureException" ||
      code == "AccessDeniedException") {
    code = "AccessDenied";
  }
  if (code == "UnrecognizedClientException") code = "InvalidAccessKeyId";
  if (code == "InvalidSignatureException") code = "SignatureDoesNotMatch";
  return QueryProtocolError(sigv4_error.http_status, std::move(code), sigv4_error.message);
}

std::string_view BucketNameOf(std::string_view arn) {
  std::optional<aws::Arn> parsed = aws::ParseArn(arn);
  if (!parsed || parsed->service != "s3" || !parsed->region.empty() || !parsed->account.empty() ||
      parsed->resource.find('/') != std::string_view::npos) {
    return "";
  }
  return parsed->resource;
}

}  // namespace perimeter::api
