// The collector's AwsCaller over the network: each call goes to its service's endpoint
// (aws/client/endpoints.h) and is signed and retried by aws::SignedClient (SigV4; the SDKs'
// standard retry mode: throttling and 5xx answers retried with exponential backoff and jitter).
#ifndef PERIMETER_COLLECT_SIGNED_CALLER_H_
#define PERIMETER_COLLECT_SIGNED_CALLER_H_

#include <memory>
#include <string>

#include "perimeter/aws/client/credentials.h"
#include "perimeter/aws/client/endpoints.h"
#include "perimeter/aws/client/signed_client.h"
#include "perimeter/base/clock.h"
#include "perimeter/collect/scope.h"

namespace perimeter::collect {

class SignedCaller final : public AwsCaller {
 public:
  // REQUIRES: `transport` and `clock` outlive this caller and every caller AssumeRole makes.
  SignedCaller(aws::HttpTransport& transport, aws::AwsCredentials credentials,
               const base::Clock& clock, aws::EndpointSettings endpoints, aws::RetryPolicy retry,
               aws::RetryTiming timing)
      : transport_(transport),
        clock_(clock),
        endpoints_(std::move(endpoints)),
        retry_(retry),
        timing_(timing),
        client_(transport, std::move(credentials), clock, retry, timing,
                "perimeter/0.1.0 collect") {}

  absl::StatusOr<aws::HttpResponse> Call(const ServiceCall& call,
                                         std::string_view region) const override;
  absl::StatusOr<std::unique_ptr<AwsCaller>> AssumeRole(std::string_view role_arn,
                                                        std::string_view external_id,
                                                        std::string_view region) const override;

 private:
  aws::HttpTransport& transport_;
  const base::Clock& clock_;
  aws::EndpointSettings endpoints_;
  aws::RetryPolicy retry_;
  aws::RetryTiming timing_;
  aws::SignedClient client_;
};

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_SIGNED_CALLER_H_
