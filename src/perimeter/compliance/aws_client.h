// A small AWS client for what the compliance check needs: IAM Access Analyzer ListAnalyzers and
// CreateAnalyzer (restJson1), Organizations DescribeOrganization and ListAccounts (JSON 1.1), and
// STS GetCallerIdentity (query protocol), over the signed client of aws/client (SigV4 like the AWS
// CLI, retries with backoff, AWS error decoding).
//
// Endpoints (AWS General Reference, "IAM Access Analyzer endpoints", "AWS Organizations
// endpoints"):
//  - Access Analyzer is regional: https://access-analyzer.REGION.DNS_SUFFIX;
//  - Organizations has one endpoint per partition: us-east-1 for aws, cn-northwest-1 for aws-cn,
//    us-gov-west-1 for aws-us-gov (and requests are signed for that region);
//  - STS: https://sts.REGION.DNS_SUFFIX;
//  - --endpoint-url replaces the URL for every service (Perimeter's server serves all of them);
//  requests
//    are still signed for the region and service they are for, which is how the server tells them
//    apart.
#ifndef PERIMETER_COMPLIANCE_AWS_CLIENT_H_
#define PERIMETER_COMPLIANCE_AWS_CLIENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/aws/client/signed_client.h"

namespace perimeter::compliance {

using aws::AwsErrorCode;
using aws::ServiceEndpoint;

ServiceEndpoint AccessAnalyzerEndpoint(std::string_view region,
                                       const std::optional<std::string>& endpoint_url);
// `home_region` picks the partition.
ServiceEndpoint OrganizationsEndpoint(std::string_view home_region,
                                      const std::optional<std::string>& endpoint_url);
ServiceEndpoint StsEndpoint(std::string_view region,
                            const std::optional<std::string>& endpoint_url);

// An analyzer as ListAnalyzers describes it (AnalyzerSummary).
struct Analyzer {
  std::string arn;
  std::string name;
  std::string
      type;  // ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS, ...
  std::string status;         // ACTIVE, CREATING, DISABLED, FAILED
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

class AwsClient {
 public:
  // REQUIRES: `client` outlives this one.
  AwsClient(const aws::SignedClient& client, std::optional<std::string> endpoint_url,
            std::string home_region)
      : client_(client),
        endpoint_url_(std::move(endpoint_url)),
        home_region_(std::move(home_region)) {}

  // Every analyzer of the caller's account in `region` (all pages).
  absl::StatusOr<std::vector<Analyzer>> ListAnalyzers(std::string_view region);
  // Creates an analyzer; returns its ARN. `client_token` makes a retry answer like the first call.
  absl::StatusOr<std::string> CreateAnalyzer(std::string_view region, std::string_view name,
                                             std::string_view type, std::string_view client_token);
  // Errors with AwsErrorCode AWSOrganizationsNotInUseException when the account is in no
  // organization.
  absl::StatusOr<OrganizationSummary> DescribeOrganization();
  // Every account of the organization (all pages). The management account or a delegated
  // administrator only.
  absl::StatusOr<std::vector<OrganizationAccount>> ListAccounts();
  // The caller's account id.
  absl::StatusOr<std::string> GetCallerAccount();

 private:
  absl::StatusOr<std::string> Organizations(std::string_view operation, std::string body);

  const aws::SignedClient& client_;
  std::optional<std::string> endpoint_url_;
  std::string home_region_;
};

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_AWS_CLIENT_H_
