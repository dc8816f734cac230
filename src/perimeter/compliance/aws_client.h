// A small AWS client for what the compliance check needs: IAM Access Analyzer ListAnalyzers and
// CreateAnalyzer (restJson1), Organizations DescribeOrganization and ListAccounts (JSON 1.1), and STS
// GetCallerIdentity (query protocol). Requests are signed with SigV4 like the AWS CLI signs them
// (api/sigv4: Host, X-Amz-Date, X-Amz-Security-Token for temporary keys).
//
// Endpoints (AWS General Reference, "IAM Access Analyzer endpoints", "AWS Organizations endpoints"):
//  - Access Analyzer is regional: https://access-analyzer.REGION.DNS_SUFFIX;
//  - Organizations has one endpoint per partition: us-east-1 for aws, cn-northwest-1 for aws-cn,
//    us-gov-west-1 for aws-us-gov (and requests are signed for that region);
//  - STS: https://sts.REGION.DNS_SUFFIX;
//  - --endpoint-url replaces the URL for every service (Perimeter's server serves all of them); requests
//    are still signed for the region and service they are for, which is how the server tells them apart.
#ifndef PERIMETER_COMPLIANCE_AWS_CLIENT_H_
#define PERIMETER_COMPLIANCE_AWS_CLIENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/base/clock.h"
#include "perimeter/api/sigv4/aws_credentials.h"
#include "perimeter/compliance/http_transport.h"

namespace perimeter::compliance {

// Where a service's requests go and the region they are signed for.
struct ServiceEndpoint {
  std::string base_url;        // scheme://host[:port]
  std::string signing_region;  // the credential scope's region
};

ServiceEndpoint AccessAnalyzerEndpoint(std::string_view region, const std::optional<std::string>& endpoint_url);
// `home_region` picks the partition.
ServiceEndpoint OrganizationsEndpoint(std::string_view home_region, const std::optional<std::string>& endpoint_url);
ServiceEndpoint StsEndpoint(std::string_view region, const std::optional<std::string>& endpoint_url);

// An analyzer as ListAnalyzers describes it (AnalyzerSummary).
struct Analyzer {
  std::string arn;
  std::string name;
  std::string type;    // ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS, ...
  std::string status;  // ACTIVE, CREATING, DISABLED, FAILED
  std::string status_reason;  // statusReason.code; "" when none
};

struct OrganizationAccount {
  std::string id;
  std::string name;
  std::string status;  // ACTIVE, SUSPENDED, PENDING_CLOSURE
};

struct OrganizationSummary {
  std::string id;
  std::string management_account;
};

// The AWS error code of a failed call ("AccessDeniedException"), carried as a status payload; "" when the
// failure was not an AWS error answer (a connection failure, a timeout).
std::string AwsErrorCode(const absl::Status& status);

class AwsClient {
 public:
  // REQUIRES: `transport` and `clock` outlive the client.
  AwsClient(HttpTransport& transport, api::sigv4::AwsCredentials credentials, std::optional<std::string> endpoint_url,
            std::string home_region, const base::Clock& clock)
      : transport_(transport),
        credentials_(std::move(credentials)),
        endpoint_url_(std::move(endpoint_url)),
        home_region_(std::move(home_region)),
        clock_(clock) {}

  // Every analyzer of the caller's account in `region` (all pages).
  absl::StatusOr<std::vector<Analyzer>> ListAnalyzers(std::string_view region);
  // Creates an analyzer; returns its ARN. `client_token` makes a retry answer like the first call.
  absl::StatusOr<std::string> CreateAnalyzer(std::string_view region, std::string_view name, std::string_view type,
                                             std::string_view client_token);
  // Errors with AwsErrorCode AWSOrganizationsNotInUseException when the account is in no organization.
  absl::StatusOr<OrganizationSummary> DescribeOrganization();
  // Every account of the organization (all pages). The management account or a delegated administrator only.
  absl::StatusOr<std::vector<OrganizationAccount>> ListAccounts();
  // The caller's account id.
  absl::StatusOr<std::string> GetCallerAccount();

 private:
  absl::StatusOr<HttpResponse> Call(const ServiceEndpoint& endpoint, std::string_view service, std::string method,
                                    std::string target, std::vector<std::pair<std::string, std::string>> headers,
                                    std::string body);
  absl::StatusOr<std::string> Organizations(std::string_view operation, std::string body);

  HttpTransport& transport_;
  api::sigv4::AwsCredentials credentials_;
  std::optional<std::string> endpoint_url_;
  std::string home_region_;
  const base::Clock& clock_;
};

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_AWS_CLIENT_H_
