#include "perimeter/server/server.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "perimeter/api/cloudformation_operations.h"
#include "perimeter/api/iam_operations.h"
#include "perimeter/api/import_operation.h"
#include "perimeter/api/query_protocol.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/api/s3_operations.h"
#include "perimeter/api/sts_operations.h"
#include "perimeter/aws/canonical_user_id.h"
#include "perimeter/aws/regions.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"
#include "perimeter/server/access_log.h"
#include "perimeter/server/data_dir.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::server {

namespace {

// Threads that run complete requests (verification, the store, the services). Connections do not
// hold one: the transport waits for slow and idle clients on its I/O thread (http_transport.h).
// More than the cores: a write holds its worker until the group commit covering it is on disk
// (milliseconds of fsync, no CPU), and reads must not queue behind such writes (docs/server.md,
// "Mixed reads and writes").
constexpr size_t kHttpWorkers = 32;

// Web console sign-in attempts per access key id: one a second, ten at once (docs/console.md).
constexpr double kConsoleSignInRate = 1;
constexpr double kConsoleSignInBurst = 10;

std::string RequestId() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  char buffer[40];
  uint64_t a = random(), b = random();
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-4%03x-a%03x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                static_cast<unsigned>(a & 0xFFF), static_cast<unsigned>(b >> 52),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buffer;
}

HttpResponse Reply(api::ApiResponse reply) {
  HttpResponse response{reply.status, std::move(reply.headers), std::move(reply.body)};
  bool typed = false;
  for (const auto& [name, value] : response.headers)
    typed = typed || base::EqualsIgnoreAsciiCase(name, "Content-Type");
  if (!typed) response.headers.emplace_back("Content-Type", "application/json");
  // The XML protocols carry the id in their body too: their handlers set the header themselves.
  bool identified = false;
  for (const auto& [name, value] : response.headers)
    identified = identified || base::EqualsIgnoreAsciiCase(name, "x-amzn-RequestId");
  if (!identified) response.headers.emplace_back("x-amzn-RequestId", RequestId());
  return response;
}

}  // namespace

// What a request is, from its method, path, X-Amz-Target and credential scope alone. STS (query
// protocol) and S3 (REST-XML) requests share the endpoint with Access Analyzer when a client sets
// AWS_ENDPOINT_URL: the service their signature is scoped to tells them apart. A form-encoded
// request scoped to another query-protocol service (IAM, CloudFormation, ...) is a kQueryProtocol
// route too, refused in that protocol. `operation` holds the scope's service for kQueryProtocol.
struct Route {
  enum class Kind {
    kOrganizations,
    kImport,
    kCollectStatus,
    kAccessAnalyzer,
    kQueryProtocol,
    kS3,
    kUnknownTarget,
    kUnbound,
    kConsole
  };
  Kind kind;
  std::string operation;
  api::RouteMatch match;
};

namespace {

// The SigV4 service a route's requests are signed for.
std::string_view SigningService(const Route& route) {
  switch (route.kind) {
    case Route::Kind::kOrganizations:
      return "organizations";
    case Route::Kind::kQueryProtocol:
      return route.operation;
    case Route::Kind::kS3:
      return "s3";
    case Route::Kind::kImport:
    case Route::Kind::kCollectStatus:
    case Route::Kind::kAccessAnalyzer:
    case Route::Kind::kUnknownTarget:
    case Route::Kind::kUnbound:
    case Route::Kind::kConsole:
      return "access-analyzer";
  }
  return "access-analyzer";
}

// An error in the route's protocol: JSON 1.1 for Organizations (with `status`), the query
// protocol's XML for STS, S3's XML error document for S3, restJson1 otherwise. SigV4 refusals take
// the protocol's own codes.
HttpResponse ErrorReply(Route::Kind kind, const api::AwsError& error) {
  switch (kind) {
    case Route::Kind::kOrganizations: {
      api::ApiResponse reply = api::Json11Error(error);
      reply.status = error.http_status;
      return Reply(std::move(reply));
    }
    case Route::Kind::kQueryProtocol:
      return Reply(api::QueryError(api::StsAuthError(error), api::kStsNamespace, RequestId()));
    case Route::Kind::kS3:
      return Reply(api::S3Error(api::S3AuthError(error), RequestId()));
    case Route::Kind::kImport:
    case Route::Kind::kCollectStatus:
    case Route::Kind::kAccessAnalyzer:
    case Route::Kind::kUnknownTarget:
    case Route::Kind::kUnbound:
    case Route::Kind::kConsole:
      break;
  }
  return Reply(api::RestJsonError(error));
}

// The service of the request's SigV4 credential scope ("Credential=KEY/DATE/REGION/SERVICE/..."),
// or "" without one. Only routes the request: Authenticate verifies the scope.
std::string_view ScopeService(std::string_view authorization) {
  size_t at = authorization.find("Credential=");
  if (at == std::string_view::npos) return "";
  std::string_view scope = authorization.substr(at + 11);
  scope = scope.substr(0, scope.find_first_of(", "));
  for (int skip = 0; skip < 3; ++skip) {
    size_t slash = scope.find('/');
    if (slash == std::string_view::npos) return "";
    scope.remove_prefix(slash + 1);
  }
  return scope.substr(0, scope.find('/'));
}

Route RouteOf(const HttpRequest& request) {
  std::string_view target = request.target;
  std::string_view raw_path = target.substr(0, target.find('?'));
  // The web console (docs/console.md): no Access Analyzer path starts with /console.
  if (raw_path == "/console" || raw_path.starts_with("/console/")) {
    constexpr std::string_view kApi = "/console/api/";
    return Route{Route::Kind::kConsole,
                 raw_path.starts_with(kApi) ? std::string(raw_path.substr(kApi.size())) : "",
                 {}};
  }
  std::string_view amz_target = request.Header("X-Amz-Target");
  std::string_view scope_service = ScopeService(request.Header("Authorization"));
  bool form = base::StartsWithIgnoreAsciiCase(request.Header("Content-Type"),
                                              "application/x-www-form-urlencoded");
  if (amz_target.empty() &&
      (scope_service == "sts" ||
       (form && !scope_service.empty() && scope_service != "s3" &&
        scope_service != "access-analyzer" && scope_service != "organizations"))) {
    return Route{Route::Kind::kQueryProtocol, std::string(scope_service), {}};
  }
  if (amz_target.empty() && scope_service == "s3") return Route{Route::Kind::kS3, "", {}};
  if (!amz_target.empty()) {
    if (!amz_target.starts_with(api::kOrganizationsTargetPrefix) || request.method != "POST") {
      return Route{Route::Kind::kUnknownTarget, std::string(amz_target), {}};
    }
    return Route{Route::Kind::kOrganizations,
                 std::string(amz_target.substr(api::kOrganizationsTargetPrefix.size())),
                 {}};
  }
  if (request.method == "POST" && raw_path == "/perimeter/import")
    return Route{Route::Kind::kImport, "", {}};
  if (request.method == "GET" && raw_path == "/perimeter/collect")
    return Route{Route::Kind::kCollectStatus, "", {}};
  std::optional<api::RouteMatch> match = api::MatchRestRoute(request.method, raw_path);
  if (!match) return Route{Route::Kind::kUnbound, "", {}};
  std::string operation = match->operation;
  return Route{Route::Kind::kAccessAnalyzer, std::move(operation), std::move(*match)};
}

// The refusal of a request that has no operation; nullopt for one that has.
std::optional<HttpResponse> Unrouted(const Route& route, const HttpRequest& request) {
  switch (route.kind) {
    case Route::Kind::kUnknownTarget:
      return Reply(api::Json11Error(api::OrganizationsError(
          "UnknownOperationException", "Unknown operation " + route.operation)));
    case Route::Kind::kUnbound: {
      std::string_view target = request.target;
      api::AwsError error{404,
                          "UnknownOperationException",
                          base::Concat("No Access Analyzer operation is bound to ", request.method,
                                       " ", target.substr(0, target.find('?'))),
                          "",
                          {},
                          "",
                          ""};
      return Reply(api::RestJsonError(error));
    }
    case Route::Kind::kOrganizations:
    case Route::Kind::kImport:
    case Route::Kind::kCollectStatus:
    case Route::Kind::kAccessAnalyzer:
    case Route::Kind::kQueryProtocol:
    case Route::Kind::kS3:
    case Route::Kind::kConsole:
      return std::nullopt;
  }
  return std::nullopt;
}

aws::sigv4::HttpRequestView ViewOf(const HttpRequest& request) {
  std::string_view target = request.target;
  size_t question = target.find('?');
  return aws::sigv4::HttpRequestView{
      request.method, target.substr(0, question),
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1),
      request.headers, request.body};
}

}  // namespace

Server::Server(ServerConfig config, std::unique_ptr<store::Store> store, const base::Clock& clock,
               std::ostream& log)
    : config_(std::move(config)), store_(std::move(store)), clock_(clock), log_(log) {}

Server::~Server() {
  Stop();
  if (collection_) collection_->Stop();
  if (worker_) worker_->Stop();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Create(ServerConfig config,
                                                       std::unique_ptr<store::Store> store,
                                                       const base::Clock& clock,
                                                       std::ostream& log) {
  std::unique_ptr<Server> server(new Server(std::move(config), std::move(store), clock, log));
  Server* self = server.get();
  for (const auto& [key, documents] : server->config_.identity_policies) {
    ASSIGN_OR_RETURN(server->identity_policies_[key], api::IdentityPolicies::Compile(documents));
  }
  RETURN_IF_ERROR(server->RebuildEnvironment());
  RETURN_IF_ERROR(server->ReloadCatalog());
  service::EnvironmentSource environment = [self] { return self->environment(); };
  service::CatalogSource catalog = [self] { return self->catalog(); };
  server->analysis_ = std::make_unique<service::ContinuousAnalysis>(
      *server->store_, environment, catalog, clock, server->config_.resolved_retention);
  server->worker_ =
      std::make_unique<AnalysisWorker>(*server->analysis_, server->config_.periodic_scan, log);
  // StartResourceScan (an analyzer and a resource): with a collector, the resource is read from AWS
  // again first; the scan follows the run.
  auto schedule = [self](service::ScanJob job) {
    if (self->collection_ && !job.analyzer_arn.empty() && job.resource_arn) {
      self->collection_->Request([self, job] { self->worker_->Schedule(job); });
      return;
    }
    self->worker_->Schedule(std::move(job));
  };
  if (server->config_.collect) {
    const CollectConfig& collect = *server->config_.collect;
    server->collection_ = std::make_unique<CollectionSchedule>(
        collect.interval,
        [self](const std::atomic<bool>& stopping) {
          CollectionOutcome outcome;
          absl::StatusOr<CollectedInventory> collected =
              CollectFromAws(*self->config_.collect, stopping, self->clock_);
          if (!collected.ok()) {
            outcome.status = collected.status();
            return outcome;
          }
          absl::StatusOr<CollectionOutcome> applied = self->ApplyCollection(*collected);
          if (!applied.ok()) outcome.status = applied.status();
          return applied.ok() ? *applied : outcome;
        },
        clock,
        [self](const CollectionOutcome& outcome) {
          if (!outcome.status.ok()) {
            self->log_ << "perimeter: collect: failed: " << outcome.status.message() << "\n"
                       << std::flush;
            return;
          }
          self->log_ << "perimeter: collect: " << outcome.resources << " resource(s), "
                     << outcome.errors << " collection error(s), " << outcome.imported
                     << " record(s) imported, " << outcome.removed << " gone\n";
          if (!outcome.first_error.empty())
            self->log_ << "perimeter: collect: not read: " << outcome.first_error << "\n";
          self->log_ << std::flush;
        });
  }
  server->access_analyzer_ = std::make_unique<api::AccessAnalyzerService>(
      *server->store_, environment, catalog, clock, schedule);
  server->organizations_ =
      std::make_unique<api::OrganizationsService>(*server->store_, environment, clock, [self] {
        absl::Status status = self->access_analyzer_->RefreshOrganizationAnalyzers();
        if (!status.ok()) self->log_ << "perimeter: " << status.message() << "\n";
      });
  if (server->config_.access_log == "stdout") {
    server->access_log_ = std::make_unique<AccessLog>(std::cout);
  } else if (!server->config_.access_log.empty()) {
    server->access_log_file_ =
        std::make_unique<std::ofstream>(server->config_.access_log, std::ios::app);
    if (!*server->access_log_file_) {
      return absl::UnavailableError(
          base::Concat("cannot open the access log ", server->config_.access_log));
    }
    server->access_log_ = std::make_unique<AccessLog>(*server->access_log_file_);
  }
  server->rate_limiter_ = std::make_unique<RateLimiter>(server->config_.rate_limit);
  server->console_sessions_ =
      std::make_unique<ConsoleSessions>(clock, RandomToken, ConsoleSessions::Options{});
  server->assumed_role_sessions_ = std::make_unique<AssumedRoleSessions>(clock, RandomToken);
  server->console_sign_in_limiter_ =
      std::make_unique<RateLimiter>(RateLimit{kConsoleSignInRate, kConsoleSignInBurst});
  HttpApplication application{
      .admit = [self](const HttpRequest& head) { return self->Admit(head); },
      .handle = [self](HttpRequest request) { return self->Handle(std::move(request)); }};
  TransportLimits limits = server->config_.transport;
  limits.workers = kHttpWorkers;
  server->transport_ = std::make_unique<HttpTransport>(std::move(application), limits);
  if (!server->config_.tls_cert.empty()) {
    RETURN_IF_ERROR(
        server->transport_->EnableTls(server->config_.tls_cert, server->config_.tls_key));
  }
  return server;
}

std::shared_ptr<const service::Environment> Server::environment() {
  std::lock_guard lock(state_mutex_);
  return environment_;
}

std::shared_ptr<const service::ResourceCatalog> Server::catalog() {
  std::lock_guard lock(state_mutex_);
  return catalog_;
}

absl::Status Server::RebuildEnvironment() {
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> organizations,
                   store_->ListInventory(store::InventoryKind::kOrganization));
  service::BuiltEnvironment built =
      service::BuildEnvironment(config_.organization, config_.accounts, organizations);
  for (const std::string& organization : built.conflicting_organizations) {
    log_ << "perimeter: inventory organization " << organization
         << " conflicts with the configured organization " << built.environment.organization->id
         << "; ignored\n";
  }
  auto environment = std::make_shared<const service::Environment>(std::move(built.environment));
  std::lock_guard lock(state_mutex_);
  environment_ = std::move(environment);
  return absl::OkStatus();
}

absl::Status Server::ReloadCatalog() {
  ASSIGN_OR_RETURN(std::shared_ptr<const service::InventoryCatalog> catalog,
                   service::InventoryCatalog::Load(*store_));
  std::lock_guard lock(state_mutex_);
  catalog_ = std::move(catalog);
  return absl::OkStatus();
}

absl::StatusOr<size_t> Server::Import(const std::string& source_name, const std::string& text) {
  // The operator's files: an unused-access input is kept for every account it names (importer "").
  std::optional<service::SplitInventory> unused_input =
      service::SplitUnusedAccessInput(source_name, text, absl::FromUnixMillis(clock_.Now()), "");
  service::SplitInventory split =
      unused_input
          ? std::move(*unused_input)
          : service::SplitInventoryFile(source_name, text, absl::FromUnixMillis(clock_.Now()));
  for (const base::Issue& issue : split.issues) {
    log_ << base::FormatIssue(issue, source_name, text) << "\n";
  }
  for (const store::InventoryRecord& record : split.foreign) {
    log_ << source_name << ": resource " << record.key << " names account "
         << service::ArnAccount(record.key) << " but resourceOwnerAccount " << record.owner
         << "; skipped\n";
  }
  if (split.skipped > 0) log_ << source_name << ": " << split.skipped << " record(s) skipped\n";
  RETURN_IF_ERROR(ApplyImport(split));
  return split.records.size();
}

namespace {

// Whether an import's records can be brought into the catalog in place (InventoryCatalog::
// WithResources): only resource records (an account record changes the analysis of every bucket of
// its account, an organization record every analyzer's zone and scope: those reload), not too many
// of them (a large import costs what a reload costs anyway), no (key, owner) twice.
bool IncrementalImport(std::span<const store::InventoryRecord> records) {
  if (records.size() > kMaxIncrementalImport) return false;
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const store::InventoryRecord& record : records) {
    if (record.kind != store::InventoryKind::kResource) return false;
    if (!seen.emplace(record.key, record.owner).second) return false;
  }
  return true;
}

}  // namespace

absl::Status Server::ApplyImport(const service::SplitInventory& split) {
  RETURN_IF_ERROR(store_->PutInventory(split.records));
  RETURN_IF_ERROR(RefreshAfterImport(split.records));
  ScheduleImportAnalysis(split.records);
  return absl::OkStatus();
}

void Server::ScheduleImportAnalysis(std::span<const store::InventoryRecord> records) {
  // Account records (S3 Block Public Access, the canonical user id) change the analysis of their
  // account's resources, organization records every analyzer's zone of trust and an ORGANIZATION
  // analyzer's scope: every analyzer is scanned again. So is everything after a large import, one
  // scan instead of a job per resource. Managed policies are not read by external access.
  bool full_scan = records.size() > kMaxIncrementalImport;
  for (const store::InventoryRecord& record : records) {
    switch (record.kind) {
      case store::InventoryKind::kAccount:
      case store::InventoryKind::kOrganization:
        full_scan = true;
        break;
      case store::InventoryKind::kResource:
      case store::InventoryKind::kManagedPolicy:
      case store::InventoryKind::kPrincipal:
      case store::InventoryKind::kGroup:
      case store::InventoryKind::kOrganizationPolicy:
      case store::InventoryKind::kUnusedAccessInput:
        break;  // not read by external access; the families' job below covers them
    }
  }
  if (full_scan) {
    worker_->Schedule(service::ScanJob{});
    return;
  }
  for (const store::InventoryRecord& record : records) {
    if (record.kind == store::InventoryKind::kResource)
      worker_->Schedule(service::ScanJob{"", record.key});
  }
  // Any record (a resource, a principal, a policy, last-used data) may change the findings of the
  // internal- and unused-access analyzers, which are analyzed whole.
  if (!records.empty()) worker_->Schedule(service::ScanJob{"", std::nullopt, true});
}

absl::Status Server::RefreshAfterImport() {
  const uint64_t mine = ++imports_committed_;
  std::lock_guard lock(refresh_mutex_);
  if (refreshed_through_ >= mine) return absl::OkStatus();
  const uint64_t covering = imports_committed_.load();
  RETURN_IF_ERROR(RebuildEnvironment());
  RETURN_IF_ERROR(ReloadCatalog());
  refreshed_through_ = covering;
  return absl::OkStatus();
}

absl::StatusOr<CollectionOutcome> Server::ApplyCollection(const CollectedInventory& collected) {
  CollectionOutcome outcome;
  outcome.resources = collected.resources;
  outcome.errors = collected.errors.size();
  if (!collected.errors.empty()) outcome.first_error = collect::ErrorLine(collected.errors.front());
  service::SplitInventory split =
      service::SplitInventoryFile("<collect>", collected.lines, absl::FromUnixMillis(clock_.Now()));
  for (const base::Issue& issue : split.issues)
    log_ << base::FormatIssue(issue, "<collect>", collected.lines) << "\n";
  std::set<std::string> keys;
  for (const store::InventoryRecord& record : split.records) {
    if (record.kind == store::InventoryKind::kResource) keys.insert(record.key);
  }
  for (const store::InventoryRecord& record : split.foreign) keys.insert(record.key);
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> stored,
                   store_->ListInventory(store::InventoryKind::kResource));
  std::vector<std::string> gone = GoneResources(stored, keys, collected.accounts, collected.errors);
  // A record the import skipped (unreadable) may be any stored resource's: nothing is removed.
  if (split.skipped > 0 && !gone.empty()) {
    log_ << "perimeter: collect: " << split.skipped << " record(s) skipped; " << gone.size()
         << " stored resource(s) not found by the run are kept\n";
    gone.clear();
  }
  for (const store::InventoryRecord& record : stored) {
    if (std::find(gone.begin(), gone.end(), record.key) != gone.end())
      RETURN_IF_ERROR(store_->DeleteInventory(record.kind, record.owner, record.key));
  }
  RETURN_IF_ERROR(ApplyImport(split));
  // The removals are committed; an incremental import's refresh only overlays the records it put,
  // so removals need a reload before their resources are scanned again.
  if (!gone.empty()) RETURN_IF_ERROR(RefreshAfterImport());
  for (const std::string& key : gone) worker_->Schedule(service::ScanJob{"", key});
  outcome.imported = split.records.size();
  outcome.removed = gone.size();
  outcome.accounts = collected.accounts;
  return outcome;
}

std::optional<CollectionStatus> Server::collection_status() const {
  if (!collection_) return std::nullopt;
  return collection_->status();
}

absl::Status Server::RefreshAfterImport(std::span<const store::InventoryRecord> records) {
  if (!IncrementalImport(records)) return RefreshAfterImport();
  const uint64_t mine = ++imports_committed_;
  std::lock_guard lock(refresh_mutex_);
  if (refreshed_through_ >= mine) return absl::OkStatus();  // a reload read this import
  // The records as stored now, not as this import wrote them: a later import of the same record
  // may have committed meanwhile and brought its own version in already; reading the store under
  // refresh_mutex_ leaves the catalog with the last committed one, whichever refresh runs last.
  std::vector<store::InventoryRecord> current;
  current.reserve(records.size());
  for (const store::InventoryRecord& record : records) {
    ASSIGN_OR_RETURN(std::optional<store::InventoryRecord> stored,
                     store_->GetInventory(record.kind, record.owner, record.key));
    if (!stored) {  // deleted meanwhile: only a reload removes a claim
      const uint64_t covering = imports_committed_.load();
      RETURN_IF_ERROR(RebuildEnvironment());
      RETURN_IF_ERROR(ReloadCatalog());
      refreshed_through_ = covering;
      return absl::OkStatus();
    }
    current.push_back(std::move(*stored));
  }
  std::shared_ptr<const service::ResourceCatalog> catalog = this->catalog();
  const auto* inventory = dynamic_cast<const service::InventoryCatalog*>(catalog.get());
  if (inventory == nullptr) return RefreshAfterImport();  // REQUIRES: the server's own catalog
  std::shared_ptr<const service::ResourceCatalog> updated = inventory->WithResources(current);
  std::lock_guard state(state_mutex_);
  catalog_ = std::move(updated);
  return absl::OkStatus();
}

api::ApiResponse Server::ImportRequest(const api::Caller& caller, const std::string& body) {
  std::shared_ptr<const service::Environment> environment = this->environment();
  return api::ImportInventory(
      caller, body, absl::FromUnixMillis(clock_.Now()), *environment,
      [this](const service::SplitInventory& split) { return ApplyImport(split); });
}

std::optional<aws::sigv4::Credential> Server::LookupCredential(
    std::string_view access_key_id) const {
  for (const aws::sigv4::Credential& credential : config_.credentials) {
    if (credential.access_key_id == access_key_id) return credential;
  }
  return assumed_role_sessions_->Lookup(access_key_id);
}

std::variant<api::IssuedSession, api::AwsError> Server::IssueSession(
    std::string_view access_key_id, const api::Caller& caller, const api::AssumeRoleCall& call) {
  if (std::optional<api::AwsError> refusal = Authorize(
          access_key_id, caller, api::AuthorizationTarget{"sts:AssumeRole", call.role_arn}))
    return api::StsAuthError(*refusal);
  std::shared_ptr<const service::Environment> environment = this->environment();
  bool allowed = environment->organization &&
                 caller.account_id == environment->organization->management_account &&
                 call.role_account != caller.account_id &&
                 environment->IsMember(call.role_account) &&
                 call.role_arn.ends_with(":role/OrganizationAccountAccessRole");
  if (!allowed) {
    return api::QueryProtocolError(
        403, "AccessDenied",
        base::Concat("User: ", caller.principal_arn,
                     " is not authorized to perform: sts:AssumeRole on resource: ", call.role_arn,
                     " (Perimeter lets the organization's management account assume "
                     "OrganizationAccountAccessRole in its members: docs/server.md)"));
  }
  AssumedRoleSessions::Issued issued = assumed_role_sessions_->Issue(
      call.role_account, call.assumed_role_arn, call.duration_seconds);
  return api::IssuedSession{issued.credential.access_key_id, issued.credential.secret_access_key,
                            issued.credential.session_token,
                            absl::FromUnixMillis(issued.expires_at)};
}

std::variant<aws::sigv4::Caller, api::AwsError> Server::Authenticate(const HttpRequest& request,
                                                                     std::string_view service,
                                                                     bool check_signature) const {
  auto lookup = [this](std::string_view key) { return LookupCredential(key); };
  aws::sigv4::HttpRequestView view = ViewOf(request);
  auto verified = check_signature ? aws::sigv4::Verify(view, service, lookup, clock_.Now())
                                  : aws::sigv4::CheckHeaders(view, service, lookup, clock_.Now());
  if (auto* error = std::get_if<aws::sigv4::AuthError>(&verified)) {
    return api::AwsError{403, error->code, error->message, "", {}, "", ""};
  }
  aws::sigv4::Caller caller = std::get<aws::sigv4::Caller>(std::move(verified));
  // The scope's region becomes part of ARNs (analyzers, findings): only a region AWS has is
  // accepted (the table of src/perimeter/aws/regions.h), so a region with ':' or '/' never reaches
  // one.
  if (!aws::FindRegion(caller.region)) {
    return api::AwsError{
        403,
        "InvalidSignatureException",
        base::Concat("Credential should be scoped to a valid region, not '", caller.region, "'."),
        "",
        {},
        "",
        ""};
  }
  return caller;
}

std::optional<api::AwsError> Server::Authorize(std::string_view access_key_id,
                                               const api::Caller& caller,
                                               const api::AuthorizationTarget& target) const {
  auto it = identity_policies_.find(access_key_id);
  if (it == identity_policies_.end())
    return std::nullopt;  // no policies: full access to its own account
  return it->second->Authorize(caller, target);
}

Admission Server::Admit(const HttpRequest& head) {
  std::optional<aws::sigv4::Caller> caller;
  Admission admission = AdmitUnlogged(head, caller);
  if (admission.refusal)
    LogRequest(head, RouteOf(head), caller ? &*caller : nullptr, *admission.refusal);
  return admission;
}

HttpResponse Server::Handle(HttpRequest request) {
  const aws::sigv4::Caller* caller = nullptr;
  aws::sigv4::Caller verified;
  HttpResponse response = HandleUnlogged(request, verified, caller);
  LogRequest(request, RouteOf(request), caller, response);
  return response;
}

void Server::LogRequest(const HttpRequest& request, const Route& route,
                        const aws::sigv4::Caller* caller, const HttpResponse& response) {
  if (access_log_ == nullptr) return;
  AccessLogEntry entry;
  auto latency = std::chrono::steady_clock::now() - request.received_at;
  entry.latency_micros = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  entry.time = clock_.Now() - entry.latency_micros / 1000;
  entry.remote = request.remote_address;
  entry.method = request.method;
  std::string_view target = request.target;
  entry.path = std::string(target.substr(0, target.find('?')));
  switch (route.kind) {
    case Route::Kind::kOrganizations:
      entry.operation = "organizations:" + route.operation;
      break;
    case Route::Kind::kImport:
      entry.operation = "perimeter:Import";
      break;
    case Route::Kind::kCollectStatus:
      entry.operation = "perimeter:GetCollectionStatus";
      break;
    case Route::Kind::kQueryProtocol:
      entry.operation = route.operation;
      break;
    case Route::Kind::kS3:
      entry.operation = "s3";
      break;
    case Route::Kind::kAccessAnalyzer:
      entry.operation = route.operation;
      entry.resource = route.match.labels;
      break;
    case Route::Kind::kConsole:
      entry.operation = route.operation.empty() ? "console" : "console:" + route.operation;
      break;
    case Route::Kind::kUnknownTarget:
    case Route::Kind::kUnbound:
      break;
  }
  if (caller != nullptr) {
    entry.access_key_id = caller->access_key_id;
    entry.account = caller->account_id;
    entry.principal = caller->principal_arn;
    entry.region = caller->region;
  }
  entry.status = response.status;
  for (const auto& [name, value] : response.headers) {
    if (base::EqualsIgnoreAsciiCase(name, "x-amzn-RequestId")) entry.request_id = value;
    if (base::EqualsIgnoreAsciiCase(name, "x-amzn-ErrorType")) entry.error_code = value;
  }
  entry.request_bytes = request.content_length.value_or(request.body.size());
  entry.response_bytes = response.body.size();
  access_log_->Write(entry);
}

Admission Server::AdmitUnlogged(const HttpRequest& head,
                                std::optional<aws::sigv4::Caller>& authenticated) {
  Route route = RouteOf(head);
  Admission admission;
  if (std::optional<HttpResponse> refusal = Unrouted(route, head)) {
    admission.refusal = std::move(refusal);
    return admission;
  }
  if (route.kind == Route::Kind::kConsole) {
    // Signed by a session cookie, not SigV4: checked with the body (HandleConsole).
    admission.body_limit = kMaxApiBodyBytes;
    admission.too_large = Reply(api::RestJsonError(
        api::AwsError{413,
                      "RequestEntityTooLargeException",
                      base::Concat("Request body larger than ", admission.body_limit, " bytes"),
                      "",
                      {},
                      "",
                      ""}));
    return admission;
  }
  bool organizations = route.kind == Route::Kind::kOrganizations;
  // Everything but the signature is checked before the body is read: without a known key, a current
  // date and well-formed signed headers, no byte of the body is kept.
  auto caller = Authenticate(head, SigningService(route), /*check_signature=*/false);
  if (auto* error = std::get_if<api::AwsError>(&caller)) {
    admission.refusal = ErrorReply(route.kind, *error);
    return admission;
  }
  const aws::sigv4::Caller& signer = std::get<aws::sigv4::Caller>(caller);
  authenticated = signer;  // the headers' claim, for the access log of a throttled request
  if (std::optional<int> retry_after = rate_limiter_->Acquire(signer.access_key_id, clock_.Now())) {
    // Access Analyzer: ThrottlingException (429, Retry-After); Organizations:
    // TooManyRequestsException (400), as botocore's models have them. Both are retried by the SDKs'
    // standard retry modes. STS: Throttling (400, its common errors); S3: SlowDown (503).
    if (organizations) {
      admission.refusal = ErrorReply(
          route.kind, api::OrganizationsError("TooManyRequestsException",
                                              "You have sent too many requests in too short a "
                                              "period of time. Try again later."));
    } else if (route.kind == Route::Kind::kQueryProtocol) {
      admission.refusal =
          ErrorReply(route.kind, api::AwsError{400, "Throttling", "Rate exceeded", "", {}, "", ""});
    } else if (route.kind == Route::Kind::kS3) {
      admission.refusal = ErrorReply(
          route.kind,
          api::AwsError{503, "SlowDown", "Please reduce your request rate.", "", {}, "", ""});
    } else {
      admission.refusal = ErrorReply(
          route.kind, api::AwsError{429, "ThrottlingException", "Rate exceeded", "", {}, "", ""});
      admission.refusal->headers.emplace_back("Retry-After", std::to_string(*retry_after));
    }
    return admission;
  }
  admission.body_limit =
      route.kind == Route::Kind::kImport ? kMaxImportBodyBytes : kMaxApiBodyBytes;
  admission.too_large = ErrorReply(
      route.kind,
      api::AwsError{413,
                    "RequestEntityTooLargeException",
                    base::Concat("Request body larger than ", admission.body_limit, " bytes"),
                    "",
                    {},
                    "",
                    ""});
  return admission;
}

HttpResponse Server::HandleUnlogged(HttpRequest& request, aws::sigv4::Caller& verified_caller,
                                    const aws::sigv4::Caller*& logged_caller) {
  Route route = RouteOf(request);
  if (std::optional<HttpResponse> refusal = Unrouted(route, request)) return std::move(*refusal);
  if (route.kind == Route::Kind::kConsole)
    return HandleConsole(request, verified_caller, logged_caller);
  auto verified = Authenticate(request, SigningService(route), /*check_signature=*/true);
  if (auto* error = std::get_if<api::AwsError>(&verified)) return ErrorReply(route.kind, *error);
  verified_caller = std::get<aws::sigv4::Caller>(std::move(verified));
  logged_caller = &verified_caller;
  const aws::sigv4::Caller& signer = verified_caller;
  api::Caller caller{signer.account_id, signer.principal_arn, signer.region};
  // Every call is authorized by the key's identity-based policies, if it has any
  // (api/authorization.h).
  auto denied = [&](const api::AuthorizationTarget& asked) -> std::optional<HttpResponse> {
    std::optional<api::AwsError> refusal = Authorize(signer.access_key_id, caller, asked);
    if (!refusal) return std::nullopt;
    return ErrorReply(route.kind, *refusal);
  };
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  switch (route.kind) {
    case Route::Kind::kOrganizations:
      if (auto refusal = denied(api::OrganizationsTarget(route.operation)))
        return std::move(*refusal);
      return Reply(organizations_->Handle(caller, route.operation, request.body));
    case Route::Kind::kImport:
      if (auto refusal = denied(api::ImportTarget())) return std::move(*refusal);
      return Reply(ImportRequest(caller, request.body));
    case Route::Kind::kCollectStatus: {
      if (auto refusal = denied(api::AuthorizationTarget{"perimeter:GetCollectionStatus", "*"}))
        return std::move(*refusal);
      std::optional<CollectionStatus> status = collection_status();
      std::shared_ptr<const service::Environment> environment = this->environment();
      std::optional<std::string> management;
      if (environment->organization) management = environment->organization->management_account;
      if (status && !MayReadCollectionStatus(*status, caller.account_id, management)) {
        return Reply(api::RestJsonError(
            api::AwsError{403,
                          "AccessDeniedException",
                          "The collection's status names the resources of the accounts it read: "
                          "only those accounts "
                          "and the organization's management account may read it",
                          "",
                          {},
                          "",
                          ""}));
      }
      if (!status) {
        return Reply(api::RestJsonError(api::AwsError{
            404,
            "ResourceNotFoundException",
            "This server has no [collect] table: it collects nothing itself (docs/collect.md)",
            "",
            {},
            "",
            ""}));
      }
      return Reply(api::ApiResponse{200, {}, CollectionStatusJson(*status)});
    }
    case Route::Kind::kAccessAnalyzer: {
      api::RestRequest rest;
      rest.operation = std::move(route.match.operation);
      rest.labels = std::move(route.match.labels);
      rest.query = api::ParseQuery(raw_query);
      rest.body = request.body;
      if (auto refusal = denied(api::AccessAnalyzerTarget(caller, rest)))
        return std::move(*refusal);
      return Reply(access_analyzer_->Handle(caller, rest));
    }
    case Route::Kind::kQueryProtocol: {
      api::QueryRequest query{request.method, raw_query, request.Header("Content-Type"),
                              request.body, route.operation};
      api::AuthorizeCall authorize = [&](const api::AuthorizationTarget& asked) {
        return Authorize(signer.access_key_id, caller, asked);
      };
      if (route.operation == "iam") {
        // The imported managed policies (inventory records of kind managedPolicy), then the AWS
        // managed policies Perimeter ships.
        std::shared_ptr<const service::ResourceCatalog> catalog = this->catalog();
        const auto* inventory = dynamic_cast<const service::InventoryCatalog*>(catalog.get());
        api::FindManagedPolicy find = api::WithAwsManagedPolicies(
            [&](std::string_view account, std::string_view arn) {
              return inventory == nullptr ? nullptr
                                          : inventory->inventory().FindManagedPolicy(account, arn);
            },
            aws_managed_policies_);
        return Reply(api::HandleIam(caller, query, find, authorize, RequestId()));
      }
      if (route.operation == "cloudformation")
        return Reply(api::HandleCloudFormation(caller, query, authorize, RequestId()));
      // GetCallerIdentity needs no permission (AWS STS API Reference): not authorized.
      // AssumeRole is authorized in IssueSession.
      api::IssueSession issue = [&](const api::Caller& asking, const api::AssumeRoleCall& call) {
        return IssueSession(signer.access_key_id, asking, call);
      };
      return Reply(api::HandleSts(caller, query, RequestId(), issue));
    }
    case Route::Kind::kS3: {
      std::string id = RequestId();
      // ListBuckets is GET / (path-style or on the endpoint's own host) with only its own query
      // parameters; anything else is an S3 operation Perimeter does not implement.
      bool list_buckets = request.method == "GET" && target.substr(0, question) == "/";
      for (const auto& [name, value] : api::ParseQuery(raw_query)) {
        list_buckets = list_buckets &&
                       (name == "max-buckets" || name == "continuation-token" || name == "prefix" ||
                        name == "bucket-region" || (name == "x-id" && value == "ListBuckets"));
      }
      if (!list_buckets) {
        return Reply(api::S3Error(
            api::AwsError{501,
                          "NotImplemented",
                          "A header or query you provided implies functionality that is not "
                          "implemented (Perimeter answers S3 ListBuckets only: docs/server.md).",
                          "",
                          {},
                          "",
                          ""},
            id));
      }
      if (auto refusal = denied(api::AuthorizationTarget{"s3:ListAllMyBuckets", "*"}))
        return std::move(*refusal);
      return Reply(ListBucketsRequest(caller, raw_query, id));
    }
    case Route::Kind::kUnknownTarget:
    case Route::Kind::kUnbound:
    case Route::Kind::kConsole:
      break;
  }
  return Reply(api::RestJsonError(api::InternalError("unrouted request")));
}

api::ApiResponse Server::ListBucketsRequest(const api::Caller& caller, std::string_view raw_query,
                                            std::string_view request_id) {
  std::shared_ptr<const service::ResourceCatalog> catalog = this->catalog();
  std::shared_ptr<const service::Environment> environment = this->environment();
  api::S3Owner owner{aws::DerivedCanonicalUserId(caller.account_id), caller.account_id};
  for (const service::Account& account : environment->accounts) {
    if (account.id == caller.account_id && !account.name.empty()) owner.display_name = account.name;
  }
  // The account record's own canonical id, when the inventory gives one (as the analysis reads it:
  // resources/s3_bucket.cc).
  if (const auto* inventory = dynamic_cast<const service::InventoryCatalog*>(catalog.get())) {
    const resources::AccountSettings* settings =
        inventory->inventory().FindAccount(caller.account_id);
    if (settings != nullptr && settings->canonical_user_id) owner.id = *settings->canonical_user_id;
  }
  std::vector<api::S3BucketEntry> buckets;
  for (const service::ResourceSummary& resource : catalog->Resources()) {
    if (resource.type != "AWS::S3::Bucket" || resource.owner_account != caller.account_id) continue;
    std::string_view name = api::BucketNameOf(resource.arn);
    if (!name.empty()) buckets.push_back({std::string(name), resource.region});
  }
  return api::ListBuckets(api::ListBucketsQuery{api::ParseQuery(raw_query)}, owner,
                          std::move(buckets), request_id);
}

absl::StatusOr<int> Server::Bind() { return transport_->Bind(config_.host, config_.port); }

void Server::Run() {
  worker_->Start();
  if (config_.scan_at_start)
    worker_->Schedule(service::ScanJob{});  // the inventory may have changed
  if (collection_) collection_->Start();
  transport_->Run();
  // Stopped: a collection under way stops at its next call.
  if (collection_) collection_->Stop();
}

void Server::Stop() {
  if (transport_) transport_->Stop();
}

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(base::Concat(path, ": cannot open the file"));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return std::move(buffer).str();
}

}  // namespace

int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  // Blocked first, so that every thread started from here on (the transport's, the analysis
  // worker's) inherits the mask and the signals reach only the waiting thread below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ServerConfig config;
  if (options.demo) config = DemoConfig();
  if (options.config_path) {
    absl::StatusOr<std::string> text = ReadFile(*options.config_path);
    if (!text.ok()) {
      err << "perimeter: " << text.status().message() << "\n";
      return 2;
    }
    absl::StatusOr<ServerConfig> parsed = ParseServerConfig(*text, *options.config_path);
    if (!parsed.ok()) {
      err << parsed.status().message() << "\n";
      return 2;
    }
    config = std::move(*parsed);
  }
  if (options.data_dir) config.data_dir = *options.data_dir;
  if (options.listen) {
    std::optional<std::pair<std::string, int>> address = ParseListenAddress(*options.listen);
    if (!address) {
      err << "perimeter: --listen must be ADDRESS:PORT with a port of 0 to 65535, not '"
          << *options.listen << "'\n";
      return 2;
    }
    config.host = address->first;
    config.port = address->second;
  }
  for (const std::string& path : options.inventory) config.inventory.push_back(path);

  // Everything the server writes (the data directory, the database and its -wal/-shm files, the
  // demo credentials) is for its owner only.
  SetOwnerOnlyUmask();
  std::unique_ptr<store::Store> store;
  std::optional<DataDirLock> lock;
  std::string credentials_path;
  if (options.ephemeral) {
    store = std::make_unique<store::MemoryStore>();
  } else {
    absl::StatusOr<DataDirLock> locked = OpenDataDir(config.data_dir);
    if (!locked.ok()) {
      err << "perimeter: " << locked.status().message() << "\n";
      return 2;
    }
    lock.emplace(std::move(*locked));
    credentials_path = (std::filesystem::path(config.data_dir) / "credentials").string();
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> sqlite = store::SqliteStore::Open(
        (std::filesystem::path(config.data_dir) / "perimeter.db").string());
    if (!sqlite.ok()) {
      err << "perimeter: " << sqlite.status().message() << "\n";
      return 2;
    }
    store = std::move(*sqlite);
  }
  if (options.demo && !options.config_path) {
    if (absl::Status status = LoadOrCreateDemoKeys(config, credentials_path); !status.ok()) {
      err << "perimeter: " << status.message() << "\n";
      return 2;
    }
  }
  static base::SystemClock clock;
  std::vector<std::string> inventory = config.inventory;
  ServerConfig kept = config;
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Create(std::move(config), std::move(store), clock, err);
  if (!server.ok()) {
    err << "perimeter: " << server.status().message() << "\n";
    return 2;
  }
  if (options.demo) {
    absl::StatusOr<size_t> imported = (*server)->Import("<demo>", DemoInventory());
    if (!imported.ok()) err << "perimeter: " << imported.status().message() << "\n";
  }
  for (const std::string& path : inventory) {
    absl::StatusOr<std::string> text = ReadFile(path);
    absl::StatusOr<size_t> imported = text.ok() ? (*server)->Import(path, *text) : text.status();
    if (!imported.ok()) {
      err << "perimeter: " << imported.status().message() << "\n";
      return 2;
    }
  }
  absl::StatusOr<int> port = (*server)->Bind();
  if (!port.ok()) {
    err << "perimeter: " << port.status().message() << "\n";
    return 2;
  }
  std::string scheme = kept.tls_cert.empty() ? "http" : "https";
  out << "listening on " << scheme << "://" << kept.host << ":" << *port << std::endl;
  if (options.demo && !options.config_path && options.ephemeral) {
    // Nothing is written to disk: the demo's keys (new at every start) are shown instead.
    out << "demo organization o-exampleorgid; an AWS CLI credentials file for its profiles Mgmt, "
           "Security, Dev "
           "and Prod (keys valid until this server stops):\n"
        << CredentialsFile(kept) << std::flush;
  } else if (options.demo && !options.config_path) {
    const std::string& path = credentials_path;
    out << "demo organization o-exampleorgid; AWS CLI profiles Mgmt, Security, Dev and Prod are in "
        << path
        << "\n  export AWS_SHARED_CREDENTIALS_FILE=" << std::filesystem::absolute(path).string()
        << " AWS_DEFAULT_REGION=us-east-1\n  aws accessanalyzer list-analyzers --profile Security "
           "--endpoint-url "
           "http://"
        << kept.host << ":" << *port << std::endl;
  }

  if (options.demo && !options.config_path) {
    // The web console (docs/console.md) and a demo sign-in: the delegated administrator's key.
    out << "web console: " << scheme << "://" << kept.host << ":" << *port << "/console/\n";
    for (const aws::sigv4::Credential& credential : kept.credentials) {
      if (credential.account_id != "234598760742") continue;
      out << "  sign in as Security (234598760742): access key id " << credential.access_key_id
          << ", secret access key " << credential.secret_access_key << "\n";
    }
    out << std::flush;
  }

  // SIGINT and SIGTERM stop the server from a thread that waits for them (calling stop() from a
  // signal handler would not be async-signal-safe). They were blocked before any thread started.
  Server* running = server->get();
  std::thread waiter([&signals, running] {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal != 0) running->Stop();
  });
  waiter.detach();
  running->Run();
  return 0;
}

}  // namespace perimeter::server
