#include "perimeter/server/collection_run.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "perimeter/aws/client/credential_chain.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/collect/collector.h"
#include "perimeter/collect/signed_caller.h"

namespace perimeter::server {

namespace {

// The collector's caller, refusing every call once the server stops (so a run ends within one
// call's timeout rather than reading the whole organization first).
class StoppableCaller final : public collect::AwsCaller {
 public:
  StoppableCaller(std::unique_ptr<collect::AwsCaller> inner, const std::atomic<bool>& stopping)
      : inner_(std::move(inner)), stopping_(stopping) {}
  absl::StatusOr<aws::HttpResponse> Call(const collect::ServiceCall& call,
                                         std::string_view region) const override {
    if (stopping_) return absl::CancelledError("the server is stopping");
    return inner_->Call(call, region);
  }
  absl::StatusOr<std::unique_ptr<collect::AwsCaller>> AssumeRole(
      std::string_view role_arn, std::string_view external_id,
      std::string_view region) const override {
    if (stopping_) return absl::CancelledError("the server is stopping");
    ASSIGN_OR_RETURN(std::unique_ptr<collect::AwsCaller> assumed,
                     inner_->AssumeRole(role_arn, external_id, region));
    return std::unique_ptr<collect::AwsCaller>(
        std::make_unique<StoppableCaller>(std::move(assumed), stopping_));
  }

 private:
  std::unique_ptr<collect::AwsCaller> inner_;
  const std::atomic<bool>& stopping_;
};

}  // namespace

absl::StatusOr<CollectedInventory> CollectFromAws(const CollectConfig& config,
                                                  const std::atomic<bool>& stopping,
                                                  const base::Clock& clock) {
  aws::CredentialSources sources = aws::CredentialSources::System();
  ASSIGN_OR_RETURN(aws::AwsProfile profile,
                   aws::ResolveProfile(config.profile, config.region, sources));
  collect::CollectOptions options;
  options.organization = config.organization;
  options.role_name = config.role_name;
  options.external_id = config.external_id;
  options.regions = config.regions;
  options.home_region = profile.region.value_or("us-east-1");
  options.concurrency = config.concurrency;

  aws::EndpointSettings endpoints = profile.endpoints;
  endpoints.explicit_url = config.endpoint_url;
  for (const auto& [service, url] : config.endpoints)
    endpoints.service_endpoint_urls[service] = url;
  std::unique_ptr<aws::HttpTransport> transport =
      aws::MakeHttpTransport({std::min(config.timeout_seconds, 10), config.timeout_seconds});
  // Keys are obtained at every run: temporary ones (a role, the instance's) expire between runs.
  absl::StatusOr<aws::AwsCredentials> keys = aws::ObtainCredentials(
      profile.credentials, options.home_region, endpoints, sources, *transport, clock);
  if (!keys.ok()) {
    return absl::Status(keys.status().code(), base::Concat(profile.credentials.description, ": ",
                                                           std::string(keys.status().message())));
  }
  aws::RetryPolicy retry;
  retry.max_attempts = config.max_attempts;
  aws::RetryTiming timing = aws::RetryTiming::System();
  timing.sleep = [&stopping](std::chrono::milliseconds delay) {
    auto end = std::chrono::steady_clock::now() + delay;
    while (!stopping && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          end - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
    }
  };
  StoppableCaller caller(
      std::make_unique<collect::SignedCaller>(*transport, *keys, clock, endpoints, retry, timing),
      stopping);

  CollectedInventory collected;
  options.on_error = [&collected](const collect::CollectionError& error) {
    collected.errors.push_back(error);
  };
  collect::LineWriter write = [&collected](const std::string& line) {
    if (line.starts_with(R"({"kind":"collectionError")")) return;
    collected.lines += line;
    collected.lines += '\n';
  };
  ASSIGN_OR_RETURN(collect::CollectSummary summary, collect::Collect(caller, options, write));
  if (stopping) return absl::CancelledError("the server stopped during the collection");
  collected.accounts = summary.accounts;
  collected.resources = summary.TotalResources();
  return collected;
}

}  // namespace perimeter::server
