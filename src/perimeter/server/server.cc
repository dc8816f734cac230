#include "perimeter/server/server.h"

#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "perimeter/api/rest_routes.h"
#include "perimeter/api/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/server/inventory_catalog.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::server {

namespace {

constexpr size_t kHttpWorkers = 32;

std::string RequestId() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  char buffer[40];
  uint64_t a = random(), b = random();
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(b >> 52), static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buffer;
}

void Reply(const api::ApiResponse& reply, httplib::Response& response) {
  response.status = reply.status;
  std::string content_type = "application/json";
  for (const auto& [name, value] : reply.headers) {
    if (base::EqualsIgnoreAsciiCase(name, "Content-Type")) {
      content_type = value;
    } else {
      response.set_header(name, value);
    }
  }
  response.set_header("x-amzn-RequestId", RequestId());
  response.set_content(reply.body, content_type.c_str());
}

}  // namespace

Server::Server(ServerConfig config, std::unique_ptr<store::Store> store, const base::Clock& clock, std::ostream& log)
    : config_(std::move(config)), store_(std::move(store)), clock_(clock), log_(log) {}

Server::~Server() {
  Stop();
  if (worker_) worker_->Stop();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Create(ServerConfig config, std::unique_ptr<store::Store> store,
                                                       const base::Clock& clock, std::ostream& log) {
  std::unique_ptr<Server> server(new Server(std::move(config), std::move(store), clock, log));
  Server* self = server.get();
  for (const auto& [key, documents] : server->config_.identity_policies) {
    ASSIGN_OR_RETURN(server->identity_policies_[key], api::IdentityPolicies::Compile(documents));
  }
  RETURN_IF_ERROR(server->RebuildEnvironment());
  RETURN_IF_ERROR(server->ReloadCatalog());
  api::EnvironmentSource environment = [self] { return self->environment(); };
  api::CatalogSource catalog = [self] { return self->catalog(); };
  server->analysis_ = std::make_unique<api::Analysis>(*server->store_, environment, catalog, clock,
                                                      server->config_.resolved_retention);
  server->worker_ = std::make_unique<AnalysisWorker>(*server->analysis_, server->config_.periodic_scan, log);
  auto schedule = [self](api::ScanJob job) { self->worker_->Schedule(std::move(job)); };
  server->access_analyzer_ =
      std::make_unique<api::AccessAnalyzerService>(*server->store_, environment, catalog, clock, schedule);
  server->organizations_ = std::make_unique<api::OrganizationsService>(*server->store_, environment, clock, [self] {
    absl::Status status = self->access_analyzer_->RefreshOrganizationAnalyzers();
    if (!status.ok()) self->log_ << "perimeter: " << status.message() << "\n";
  });
  server->http_ = std::make_unique<httplib::Server>();
  server->http_->set_payload_max_length(size_t{64} << 20);
  // A keep-alive connection holds a worker thread while it is open, and SDK clients keep theirs open:
  // more workers than cpp-httplib's default (8), and connections that are not closed every 5 requests.
  server->http_->new_task_queue = [] { return new httplib::ThreadPool(kHttpWorkers); };
  server->http_->set_keep_alive_max_count(10000);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the body
  // until the client's delayed ACK (~40 ms on Linux).
  server->http_->set_tcp_nodelay(true);
  auto handler = [self](const httplib::Request& request, httplib::Response& response) {
    self->Handle(request, response);
  };
  for (const char* pattern : {".*"}) {
    server->http_->Get(pattern, handler);
    server->http_->Post(pattern, handler);
    server->http_->Put(pattern, handler);
    server->http_->Delete(pattern, handler);
    server->http_->Patch(pattern, handler);
  }
  return server;
}

std::shared_ptr<const api::Environment> Server::environment() {
  std::lock_guard lock(state_mutex_);
  return environment_;
}

std::shared_ptr<const api::ResourceCatalog> Server::catalog() {
  std::lock_guard lock(state_mutex_);
  return catalog_;
}

absl::Status Server::RebuildEnvironment() {
  auto environment = std::make_shared<api::Environment>();
  environment->organization = config_.organization;
  environment->accounts = config_.accounts;
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> organizations,
                   store_->ListInventory(store::InventoryKind::kOrganization));
  // Accounts named in inventory organization records are merged with the configured ones.
  for (const store::InventoryRecord& record : organizations) {
    json::ParseResult parsed = json::Parse(record.json);
    if (!parsed.ok()) continue;
    json::Value root = parsed.document.root();
    std::optional<json::Value> management = root.Find("managementAccount");
    if (!environment->organization && management && management->is_string()) {
      environment->organization = api::OrganizationInfo{record.key, std::string(management->text())};
    }
    if (environment->organization && environment->organization->id != record.key) {
      log_ << "perimeter: inventory organization " << record.key << " conflicts with the configured organization "
           << environment->organization->id << "; ignored\n";
      continue;
    }
    std::optional<json::Value> accounts = root.Find("accounts");
    if (!accounts || !accounts->is_array()) continue;
    for (json::Value entry : accounts->children()) {
      std::optional<json::Value> id = entry.is_object() ? entry.Find("accountId") : std::nullopt;
      std::optional<json::Value> path = entry.is_object() ? entry.Find("ouPath") : std::nullopt;
      if (!id || !id->is_string()) continue;
      // Without "ouPath" the account sits at the organization's root (PlaceAtRoot below).
      std::string ou_path = path && path->is_string() ? std::string(path->text()) : "";
      bool found = false;
      for (api::Account& account : environment->accounts) {
        if (account.id != id->text()) continue;
        found = true;
        if (!ou_path.empty() && (account.ou_path.empty() || account.ou_path_is_default)) {  // the record places it
          account.ou_path = ou_path;
          account.ou_path_is_default = false;
        } else if (account.ou_path.empty()) {
          account.ou_path_is_default = true;
        }
      }
      if (!found) {
        environment->accounts.push_back(api::Account{std::string(id->text()), "", {}, ou_path, ou_path.empty()});
      }
    }
  }
  if (environment->organization) PlaceAtRoot(*environment->organization, environment->accounts);
  std::lock_guard lock(state_mutex_);
  environment_ = std::move(environment);
  return absl::OkStatus();
}

absl::Status Server::ReloadCatalog() {
  ASSIGN_OR_RETURN(std::shared_ptr<const InventoryCatalog> catalog, InventoryCatalog::Load(*store_));
  std::lock_guard lock(state_mutex_);
  catalog_ = std::move(catalog);
  return absl::OkStatus();
}

absl::StatusOr<size_t> Server::Import(const std::string& source_name, const std::string& text) {
  std::lock_guard lock(import_mutex_);
  SplitInventory split = SplitInventoryFile(source_name, text, absl::FromUnixMillis(clock_.Now()));
  for (const base::Issue& issue : split.issues) {
    log_ << base::FormatIssue(issue, source_name, text) << "\n";
  }
  for (const store::InventoryRecord& record : split.foreign) {
    log_ << source_name << ": resource " << record.key << " names account " << ArnAccount(record.key)
         << " but resourceOwnerAccount " << record.owner << "; skipped\n";
  }
  if (split.skipped > 0) log_ << source_name << ": " << split.skipped << " record(s) skipped\n";
  RETURN_IF_ERROR(store_->PutInventory(split.records));
  RETURN_IF_ERROR(RebuildEnvironment());
  RETURN_IF_ERROR(ReloadCatalog());
  for (const store::InventoryRecord& record : split.records) {
    if (record.kind == store::InventoryKind::kResource) worker_->Schedule(api::ScanJob{"", record.key});
  }
  return split.records.size();
}

api::ApiResponse Server::ImportRequest(const api::Caller& caller, const std::string& body) {
  std::lock_guard lock(import_mutex_);
  std::shared_ptr<const api::Environment> environment = this->environment();
  SplitInventory split = SplitInventoryFile("<request>", body, absl::FromUnixMillis(clock_.Now()));
  std::optional<std::string> management =
      environment->organization ? std::optional<std::string>(environment->organization->management_account)
                                : std::nullopt;
  if (std::optional<std::string> refusal = ImportRefusal(split, caller.account_id, management)) {
    return api::RestJsonError(api::AccessDeniedError(*refusal));
  }
  if (absl::Status status = store_->PutInventory(split.records); !status.ok()) {
    return api::RestJsonError(api::InternalError(std::string(status.message())));
  }
  absl::Status status = RebuildEnvironment();
  if (status.ok()) status = ReloadCatalog();
  if (!status.ok()) return api::RestJsonError(api::InternalError(std::string(status.message())));
  for (const store::InventoryRecord& record : split.records) {
    if (record.kind == store::InventoryKind::kResource) worker_->Schedule(api::ScanJob{"", record.key});
  }
  json::Writer w;
  w.BeginObject().Key("imported").Int(static_cast<int64_t>(split.records.size()));
  w.Key("skipped").Int(static_cast<int64_t>(split.skipped)).Key("issues").BeginArray();
  for (const base::Issue& issue : split.issues) {
    w.BeginObject().Key("severity").String(base::SeverityName(issue.severity)).Key("code").String(issue.code);
    w.Key("line").Int(issue.position.line).Key("column").Int(issue.position.column);
    w.Key("message").String(issue.message).EndObject();
  }
  w.EndArray().EndObject();
  return api::ApiResponse{200, {{"Content-Type", "application/json"}}, std::move(w).Take()};
}

void Server::Handle(const httplib::Request& request, httplib::Response& response) {
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  std::string_view raw_query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  std::string amz_target = request.get_header_value("X-Amz-Target");

  bool organizations = false;
  std::string operation;
  api::RestRequest rest;
  bool import = false;
  if (!amz_target.empty()) {
    if (!amz_target.starts_with(api::kOrganizationsTargetPrefix) || request.method != "POST") {
      Reply(api::Json11Error(api::OrganizationsError("UnknownOperationException", "Unknown operation " + amz_target)),
            response);
      return;
    }
    organizations = true;
    operation = amz_target.substr(api::kOrganizationsTargetPrefix.size());
  } else if (request.method == "POST" && raw_path == "/perimeter/import") {
    import = true;
  } else {
    std::optional<api::RouteMatch> match = api::MatchRestRoute(request.method, raw_path);
    if (!match) {
      api::AwsError error{404, "UnknownOperationException",
                          base::Concat("No Access Analyzer operation is bound to ", request.method, " ", raw_path),
                          "", {}, "", ""};
      Reply(api::RestJsonError(error), response);
      return;
    }
    rest.operation = std::move(match->operation);
    rest.labels = std::move(match->labels);
    rest.query = api::ParseQuery(raw_query);
    rest.body = request.body;
  }

  api::sigv4::HttpRequestView view{request.method, raw_path, raw_query, {}, request.body};
  for (const auto& [name, value] : request.headers) view.headers.emplace_back(name, value);
  auto lookup = [this](std::string_view key) -> std::optional<api::sigv4::Credential> {
    for (const api::sigv4::Credential& credential : config_.credentials) {
      if (credential.access_key_id == key) return credential;
    }
    return std::nullopt;
  };
  auto verified = api::sigv4::Verify(view, organizations ? "organizations" : "access-analyzer", lookup, clock_.Now());
  if (auto* error = std::get_if<api::sigv4::AuthError>(&verified)) {
    api::AwsError refusal{403, error->code, error->message, "", {}, "", ""};
    if (organizations) {
      api::ApiResponse reply = api::Json11Error(refusal);
      reply.status = 403;
      Reply(reply, response);
    } else {
      Reply(api::RestJsonError(refusal), response);
    }
    return;
  }
  const api::sigv4::Caller& signer = std::get<api::sigv4::Caller>(verified);
  api::Caller caller{signer.account_id, signer.principal_arn, signer.region};
  api::AuthorizationTarget asked = organizations ? api::OrganizationsTarget(operation)
                                   : import      ? api::ImportTarget()
                                                 : api::AccessAnalyzerTarget(caller, rest);
  if (std::optional<api::AwsError> denied = Authorize(signer.access_key_id, caller, asked)) {
    Reply(organizations ? api::Json11Error(*denied) : api::RestJsonError(*denied), response);
    return;
  }
  if (organizations) {
    Reply(organizations_->Handle(caller, operation, request.body), response);
  } else if (import) {
    Reply(ImportRequest(caller, request.body), response);
  } else {
    Reply(access_analyzer_->Handle(caller, rest), response);
  }
}

std::optional<api::AwsError> Server::Authorize(std::string_view access_key_id, const api::Caller& caller,
                                               const api::AuthorizationTarget& target) const {
  auto it = identity_policies_.find(access_key_id);
  if (it == identity_policies_.end()) return std::nullopt;  // no policies: full access to its own account
  return it->second->Authorize(caller, target);
}

absl::StatusOr<int> Server::Bind() {
  int port = config_.port == 0 ? http_->bind_to_any_port(config_.host) : config_.port;
  if (config_.port != 0 && !http_->bind_to_port(config_.host, config_.port)) port = -1;
  if (port < 0) return absl::UnavailableError(base::Concat("cannot listen on ", config_.host, ":", config_.port));
  return port;
}

void Server::Run() {
  worker_->Start();
  if (config_.scan_at_start) worker_->Schedule(api::ScanJob{});  // the inventory may have changed
  http_->listen_after_bind();
}

void Server::Stop() {
  if (http_) http_->stop();
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
    size_t colon = options.listen->rfind(':');
    if (colon == std::string::npos) {
      err << "perimeter: --listen must be ADDRESS:PORT\n";
      return 2;
    }
    config.host = options.listen->substr(0, colon);
    config.port = std::atoi(options.listen->c_str() + colon + 1);
  }
  for (const std::string& path : options.inventory) config.inventory.push_back(path);

  std::unique_ptr<store::Store> store;
  if (options.ephemeral) {
    store = std::make_unique<store::MemoryStore>();
  } else {
    std::error_code error;
    std::filesystem::create_directories(config.data_dir, error);
    if (error) {
      err << "perimeter: cannot create the data directory " << config.data_dir << ": " << error.message() << "\n";
      return 2;
    }
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> sqlite =
        store::SqliteStore::Open((std::filesystem::path(config.data_dir) / "perimeter.db").string());
    if (!sqlite.ok()) {
      err << "perimeter: " << sqlite.status().message() << "\n";
      return 2;
    }
    store = std::move(*sqlite);
  }
  static base::SystemClock clock;
  std::vector<std::string> inventory = config.inventory;
  ServerConfig kept = config;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Create(std::move(config), std::move(store), clock, err);
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
  out << "listening on http://" << kept.host << ":" << *port << std::endl;
  if (options.demo && !options.ephemeral) {
    std::string path = (std::filesystem::path(kept.data_dir) / "credentials").string();
    std::ofstream file(path);
    file << CredentialsFile(kept);
    out << "demo organization o-exampleorgid; AWS CLI profiles Mgmt, Security, Dev and Prod are in " << path
        << "\n  export AWS_SHARED_CREDENTIALS_FILE=" << std::filesystem::absolute(path).string()
        << " AWS_DEFAULT_REGION=us-east-1\n  aws accessanalyzer list-analyzers --profile Security --endpoint-url "
           "http://"
        << kept.host << ":" << *port << std::endl;
  }

  // SIGINT and SIGTERM stop the server from a thread that waits for them (calling stop() from a signal
  // handler would not be async-signal-safe).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
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
