// `perimeter serve`: the HTTP transport (cpp-httplib) and the wiring of store, services and
// analysis.
//
// Each request is routed by X-Amz-Target (Organizations, JSON 1.1, POST /) or by method and path
// (Access Analyzer, restJson1, api/rest_routes.h), then SigV4-verified for that service
// (aws/sigv4), then handed to the service with the caller's account and region. A request that
// fails verification gets 403 with AWS's error code and changes nothing.
//
// Perimeter's own endpoint, POST /perimeter/import (signed for service access-analyzer), takes an
// inventory (docs/inventory.md) in the body; a caller may import only resources and account
// records of its own account, and the management account also organization records. The import is
// stored, then analyzed by the background worker; the reply says what was imported.
//
// With a [collect] table (docs/collect.md), the server collects from AWS itself, in the background
// (scheduled_collection.h): at start, every `interval`, and before the scan a StartResourceScan
// asks for. Each run is imported as an operator's import, and the stored resources it shows to be
// gone are removed, so findings follow: new ones ACTIVE, those of changed or gone resources
// RESOLVED. GET /perimeter/collect (signed for access-analyzer; perimeter:GetCollectionStatus)
// answers the schedule's status.
#ifndef PERIMETER_SERVER_SERVER_H_
#define PERIMETER_SERVER_SERVER_H_

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/authorization.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/aws_managed_policies.h"
#include "perimeter/api/organizations_service.h"
#include "perimeter/api/sts_operations.h"
#include "perimeter/base/clock.h"
#include "perimeter/server/access_log.h"
#include "perimeter/server/analysis_worker.h"
#include "perimeter/server/assumed_role_sessions.h"
#include "perimeter/server/collection_run.h"
#include "perimeter/server/config.h"
#include "perimeter/server/console_sessions.h"
#include "perimeter/server/http_transport.h"
#include "perimeter/server/scheduled_collection.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/store.h"

namespace perimeter::server {

struct Route;  // what a request asks for (server.cc)

// The largest request bodies: an inventory import, and any Access Analyzer or Organizations
// operation (the largest of which, a policy check, carries two policy documents).
inline constexpr uint64_t kMaxImportBodyBytes = uint64_t{64} << 20;
inline constexpr uint64_t kMaxApiBodyBytes = uint64_t{4} << 20;

// Imports of at most this many resource records update the catalog in place and schedule a scan of
// each resource; larger ones reload the catalog from the store and schedule one full scan.
inline constexpr size_t kMaxIncrementalImport = 1024;

class Server {
 public:
  // Wires a server over `store` (which it owns). Nothing listens yet.
  static absl::StatusOr<std::unique_ptr<Server>> Create(ServerConfig config,
                                                        std::unique_ptr<store::Store> store,
                                                        const base::Clock& clock,
                                                        std::ostream& log);
  ~Server();

  // Imports an inventory file's text on behalf of the operator (no account restriction). Problems
  // of the file are written to the log; records with errors are skipped. Returns the number
  // imported.
  absl::StatusOr<size_t> Import(const std::string& source_name, const std::string& text);

  // Binds the configured address (port 0: a free one) and returns the port.
  absl::StatusOr<int> Bind();
  // Starts the analysis worker and serves until Stop(). REQUIRES: Bind() succeeded.
  void Run();
  void Stop();
  // Waits until the analysis has caught up with everything scheduled so far.
  void WaitForAnalysis() { worker_->WaitIdle(); }
  // Queues an analysis job (ScanJob{}: every analyzer, as the periodic scan does).
  void ScheduleAnalysis(service::ScanJob job) { worker_->Schedule(std::move(job)); }

  const ServerConfig& config() const { return config_; }

  // Imports one collector run (an operator's import: no account restriction) and removes the
  // stored resources it shows to be gone (GoneResources), scheduling their analysis too.
  absl::StatusOr<CollectionOutcome> ApplyCollection(const CollectedInventory& collected);
  // The [collect] schedule's status; nullopt without a [collect] table.
  std::optional<CollectionStatus> collection_status() const;

 private:
  Server(ServerConfig config, std::unique_ptr<store::Store> store, const base::Clock& clock,
         std::ostream& log);
  // The transport's two steps: from the header alone (route, credential, date, signed headers,
  // region, body limit), then with the body (the signature, the operation). Each request answered
  // is written to the access log (when configured).
  Admission Admit(const HttpRequest& head);
  HttpResponse Handle(HttpRequest request);
  // Sets `authenticated` once the header's credential checked out (the signature is checked later).
  Admission AdmitUnlogged(const HttpRequest& head,
                          std::optional<aws::sigv4::Caller>& authenticated);
  // Sets `logged_caller` (to `verified_caller`) once the signature is verified.
  HttpResponse HandleUnlogged(HttpRequest& request, aws::sigv4::Caller& verified_caller,
                              const aws::sigv4::Caller*& logged_caller);
  void LogRequest(const HttpRequest& request, const Route& route, const aws::sigv4::Caller* caller,
                  const HttpResponse& response);
  // A configured key, else a session sts:AssumeRole issued and that has not expired.
  std::optional<aws::sigv4::Credential> LookupCredential(std::string_view access_key_id) const;
  // sts:AssumeRole (api/sts_operations.h): the key's identity-based policies must allow
  // sts:AssumeRole on the role; the organization's management account may assume
  // OrganizationAccountAccessRole in its member accounts (assumed_role_sessions.h).
  std::variant<api::IssuedSession, api::AwsError> IssueSession(std::string_view access_key_id,
                                                               const api::Caller& caller,
                                                               const api::AssumeRoleCall& call);
  // `service`: the SigV4 service the request must be signed for ("access-analyzer", "sts", ...).
  std::variant<aws::sigv4::Caller, api::AwsError> Authenticate(const HttpRequest& request,
                                                               std::string_view service,
                                                               bool check_signature) const;
  // S3 ListBuckets for `caller` (api/s3_operations.h): the account's buckets of the catalog.
  api::ApiResponse ListBucketsRequest(const api::Caller& caller, std::string_view raw_query,
                                      std::string_view request_id);
  absl::Status RebuildEnvironment();
  absl::Status ReloadCatalog();
  std::shared_ptr<const service::Environment> environment();
  std::shared_ptr<const service::ResourceCatalog> catalog();
  // POST /perimeter/import (api/import_operation.h). Imports run at once: their records are
  // committed together (the store's group commit) and share the rebuild that follows.
  api::ApiResponse ImportRequest(const api::Caller& caller, const std::string& body);
  // Stores an import's records, brings the environment and the catalog up to them
  // (RefreshAfterImport), schedules their analysis.
  absl::Status ApplyImport(const service::SplitInventory& split);
  // Rebuilds the environment and the catalog from the store, unless a rebuild that began after this
  // call's import had committed has finished meanwhile; returns once a rebuild covers the import.
  // REQUIRES: the import's records are committed.
  absl::Status RefreshAfterImport();
  // The same for an import of `records`: an import of a few resource records
  // (kMaxIncrementalImport) is brought into the catalog in place (InventoryCatalog::WithResources,
  // the records read back from the store), the environment kept (it depends on organization records
  // only); any other import reloads as above.
  absl::Status RefreshAfterImport(std::span<const store::InventoryRecord> records);
  // Schedules the analysis an import calls for: each imported resource for every analyzer that sees
  // it, or a full scan after account or organization records or a large import.
  void ScheduleImportAnalysis(std::span<const store::InventoryRecord> records);
  // The refusal of a call by the identity-based policies of the key that signed it; nullopt when
  // the key has none or they allow the call.
  std::optional<api::AwsError> Authorize(std::string_view access_key_id, const api::Caller& caller,
                                         const api::AuthorizationTarget& target) const;
  // The web console's routes (server_console.cc, docs/console.md): its files, sign-in and sign-out,
  // and /console/api/OPERATION, which acts as the session's key would with SigV4 (`verified_caller`
  // and `logged_caller` set as HandleUnlogged sets them). Every answer carries the console's
  // security headers (Content-Security-Policy, nosniff, no framing).
  HttpResponse HandleConsole(const HttpRequest& request, aws::sigv4::Caller& verified_caller,
                             const aws::sigv4::Caller*& logged_caller);
  HttpResponse HandleConsoleUnsecured(const HttpRequest& request,
                                      aws::sigv4::Caller& verified_caller,
                                      const aws::sigv4::Caller*& logged_caller);
  // The console's finding page: GetFindingV2's answer for the session (same authorization), with
  // Perimeter's extras (witness, explanation) and the resource's imported configuration.
  HttpResponse ConsoleFindingDetails(const ConsoleSession& session, const api::Caller& caller,
                                     const std::string& input);
  // What the console shows of its session: account, principal, regions, organization, CSRF token.
  std::string ConsoleSessionJson(const ConsoleSession& session);
  // Runs the API operation `operation` on `input` as /console/api/OPERATION does (same
  // authorization and operation table). The routed request is set when the input routes.
  api::ApiResponse ConsoleRun(const ConsoleSession& session, const api::Caller& caller,
                              std::string_view operation, const std::string& input,
                              std::optional<api::RestRequest>& routed);
  // perimeter/GetFindingHistory (`analyzerArn`, `id`): the finding's status history, answered only
  // after GetFindingV2 answered the session 200 (same authorization, docs/console.md).
  HttpResponse ConsoleFindingHistory(const ConsoleSession& session, const api::Caller& caller,
                                     const std::string& input);
  // perimeter/GetFindingAggregates (`analyzerArn`): the dashboard's exact counts
  // (store::AggregateFindings), answered only after ListFindingsV2 on the analyzer answered the
  // session 200.
  HttpResponse ConsoleFindingAggregates(const ConsoleSession& session, const api::Caller& caller,
                                        const std::string& input);

  ServerConfig config_;
  std::unique_ptr<store::Store> store_;
  const base::Clock& clock_;
  std::ostream& log_;
  std::mutex state_mutex_;
  std::shared_ptr<const service::Environment> environment_;
  std::shared_ptr<const service::ResourceCatalog> catalog_;
  std::unique_ptr<service::ContinuousAnalysis> analysis_;
  std::unique_ptr<AnalysisWorker> worker_;
  std::unique_ptr<api::AccessAnalyzerService> access_analyzer_;
  std::unique_ptr<api::OrganizationsService> organizations_;
  // The [collect] table's schedule; null without one.
  std::unique_ptr<CollectionSchedule> collection_;
  // IAM GetPolicy/GetPolicyVersion of AWS managed policies no import describes.
  const api::AwsManagedPolicies aws_managed_policies_;
  // By access key id (ServerConfig::identity_policies, compiled).
  std::map<std::string, std::shared_ptr<const api::IdentityPolicies>, std::less<>>
      identity_policies_;
  std::unique_ptr<std::ostream> access_log_file_;
  std::unique_ptr<AccessLog> access_log_;
  std::unique_ptr<RateLimiter> rate_limiter_;
  std::unique_ptr<ConsoleSessions> console_sessions_;  // in memory: a restart signs everyone out
  std::unique_ptr<AssumedRoleSessions> assumed_role_sessions_;  // sts:AssumeRole's, in memory
  // Console sign-in attempts, per configured access key id (one shared bucket for unknown ids, so
  // the buckets stay bounded by the configuration): guessing a secret online is slowed to a few a
  // second.
  std::unique_ptr<RateLimiter> console_sign_in_limiter_;
  // Imports committed so far, counted after each commit; a rebuild that reads the count before it
  // reads the store covers every import counted.
  std::atomic<uint64_t> imports_committed_ = 0;
  std::mutex refresh_mutex_;        // one rebuild at a time
  uint64_t refreshed_through_ = 0;  // guarded by refresh_mutex_
  // Last: destroyed first, its destructor waits for the requests still running on its workers,
  // which use every member above.
  std::unique_ptr<HttpTransport> transport_;
};

// What `perimeter serve` was asked to do.
struct ServeOptions {
  std::optional<std::string> config_path;
  bool demo = false;
  std::vector<std::string> inventory;  // in addition to the config's
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;  // overrides the config's
  bool ephemeral = false;             // memory store: nothing is written to disk
};

// Runs `perimeter serve` until SIGINT or SIGTERM. First stdout line: "listening on
// http://HOST:PORT". Returns the process exit code.
int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_SERVER_H_
