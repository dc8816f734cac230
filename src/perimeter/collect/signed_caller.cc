#include "perimeter/collect/signed_caller.h"

#include "perimeter/aws/client/credential_chain.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"

namespace perimeter::collect {

absl::StatusOr<aws::HttpResponse> SignedCaller::Call(const ServiceCall& call,
                                                     std::string_view region) const {
  aws::ResolvedEndpoint resolved = aws::ResolveEndpoint(call.service, region, endpoints_);
  if (call.service == aws::AwsService::kS3Control && !resolved.configured) {
    // S3 Control's operations carry the account id as a host prefix ({AccountId}.s3-control...,
    // botocore's endpoint.hostPrefix); a configured endpoint is used as it is.
    for (const auto& [name, value] : call.request.headers) {
      if (name == "x-amz-account-id") {
        resolved.endpoint.base_url.insert(std::string("https://").size(), value + ".");
        break;
      }
    }
  }
  return client_.Call(resolved.endpoint, aws::DescribeService(call.service).signing_name,
                      call.request);
}

absl::StatusOr<std::unique_ptr<AwsCaller>> SignedCaller::AssumeRole(std::string_view role_arn,
                                                                    std::string_view external_id,
                                                                    std::string_view region) const {
  ASSIGN_OR_RETURN(
      aws::AwsCredentials keys,
      aws::AssumeRole(client_.credentials(), role_arn, "perimeter-collect", external_id, 0,
                      aws::ResolveEndpoint(aws::AwsService::kSts, region, endpoints_).endpoint,
                      transport_, clock_));
  return std::unique_ptr<AwsCaller>(
      new SignedCaller(transport_, std::move(keys), clock_, endpoints_, retry_, timing_));
}

}  // namespace perimeter::collect
