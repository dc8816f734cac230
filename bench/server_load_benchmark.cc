// Load benchmark of `perimeter serve`: GetFinding and ListFindings over loopback with 100k findings
// stored, the issue's target being >= 5,000 req/s and p99 <= 20 ms on 2 cores.
//
// The findings are seeded into a fresh SQLite store directly (one ACCOUNT analyzer, 90% ACTIVE),
// then a server is started in this process on 127.0.0.1 (port 0) without the start-up scan (it
// would resolve the seeded findings, whose resources are not in the inventory). Requests are
// SigV4-signed before the clock starts (the server verifies every one), then C keep-alive
// connections send them as fast as the server answers, each phase bounded by a request count and a
// duration. Prints req/s and p50/p99/max latency per operation, and peak RSS.
//
// The mixed phase (issue #13's load test) runs M clients (32 by default), each on its own
// keep-alive connection, cycling through reads and writes in a fixed order: of every twenty
// requests, thirteen read (GetFinding, ListFindings) and seven write (UpdateFindings archiving then
// unarchiving one finding, TagResource then UntagResource on the analyzer, CreateArchiveRule then
// DeleteArchiveRule of a rule matching no finding, an import of one bucket through POST
// /perimeter/import). Each request is signed by its client just before it is sent; throughput and
// p50/p99 are printed per operation.
//
//   server_load_benchmark [--findings N] [--seconds S] [--requests R] [--connections C]
//   [--page-size P]
//                         [--phases get,list,list100,mixed] [--mixed-clients M]
// Traffic goes to 127.0.0.1 only. Unknown flags are ignored (scripts/bench.sh passes Google
// Benchmark's).
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/seed_findings.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/server/server.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace {

using namespace perimeter;

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "us-east-1";
const aws::sigv4::Credential kKey{"AKIABENCHMARK0000001",
                                  "benchmark-secret-000000000000000000000000", kAccount,
                                  "arn:aws:iam::111122223333:user/bench"};

struct Options {
  size_t findings = 100000;
  double seconds = 10;
  size_t requests = 200000;  // per phase
  int connections = 4;
  int page_size = 25;
  std::string phases = "get,list,list100,mixed";  // which phases run
  int mixed_clients = 32;
};

struct SignedRequest {
  std::string method;
  std::string target;  // path and query
  httplib::Headers headers;
  std::string body;
};

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct PhaseResult {
  size_t requests = 0;
  size_t errors = 0;
  double seconds = 0;
  double server_cpu_seconds = 0;  // the process's CPU time minus the load generator threads'
  double client_cpu_seconds = 0;
  std::vector<double> latencies_ms;
};

std::string FindingId(size_t i) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08zx-0000-4000-8000-%012zx", i * 2654435761u % 0xFFFFFFFF,
                i);
  return buffer;
}

// Two findings per bucket (bench-bucket-0 .. bench-bucket-N/2): one in three public, one in five
// with a condition, one in ten ARCHIVED.
findings::FindingRecord SeededFinding(size_t i) {
  findings::FindingRecord record;
  record.finding.id = FindingId(i);
  record.finding.resource = base::Concat("arn:aws:s3:::bench-bucket-", i / 2);
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = kAccount;
  record.finding.principal = {
      {"AWS", i % 3 == 0 ? std::string("*") : base::Concat("9999888", 10000 + i % 90000)}};
  record.finding.is_public = i % 3 == 0;
  record.finding.actions = {"s3:GetObject", "s3:ListBucket"};
  if (i % 5 == 0) record.finding.condition = {{"aws:SourceVpc", "vpc-0123456789abcdef0"}};
  record.finding.sources = {
      findings::FindingSource{findings::FindingSourceType::kPolicy, std::nullopt, std::nullopt}};
  record.status =
      i % 10 == 0 ? findings::FindingStatus::kArchived : findings::FindingStatus::kActive;
  record.created_at = bench::SeedTime() + absl::Milliseconds(static_cast<int64_t>(i) * 37);
  record.analyzed_at = record.updated_at = record.created_at;
  return record;
}

SignedRequest Sign(std::string method, std::string path, std::string query, std::string body,
                   const std::string& host) {
  std::vector<std::pair<std::string, std::string>> headers{{"Host", host}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  aws::sigv4::Sign(method, path, query, headers, body, kKey, kRegion, "access-analyzer",
                   now.count());
  SignedRequest request{std::move(method),
                        query.empty() ? path : base::Concat(path, "?", query),
                        {},
                        std::move(body)};
  for (auto& [name, value] : headers) {
    if (name != "Content-Type") request.headers.emplace(name, value);
  }
  return request;
}

std::string ListBody(const std::string& analyzer_arn, int page_size, const std::string& token) {
  std::string body =
      base::Concat(R"({"analyzerArn":")", analyzer_arn,
                   R"(","filter":{"status":{"eq":["ACTIVE"]}},"maxResults":)", page_size);
  if (!token.empty()) body += base::Concat(R"(,"nextToken":")", token, "\"");
  return body + "}";
}

// Sends the requests round-robin over `connections` keep-alive connections until `max_requests` or
// `seconds` is reached.
PhaseResult RunPhase(int port, const std::vector<SignedRequest>& requests, const Options& options) {
  std::atomic<size_t> issued{0};
  std::atomic<size_t> errors{0};
  std::vector<std::vector<double>> latencies(options.connections);
  std::vector<double> client_cpu(options.connections);
  double process_cpu_start = CpuSeconds(RUSAGE_SELF);
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(options.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < options.connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(30);
      std::vector<double>& mine = latencies[c];
      double cpu_start = CpuSeconds(RUSAGE_THREAD);
      while (true) {
        size_t n = issued.fetch_add(1);
        if (n >= options.requests || std::chrono::steady_clock::now() >= deadline) break;
        const SignedRequest& request = requests[n % requests.size()];
        auto t0 = std::chrono::steady_clock::now();
        httplib::Result result = request.method == "GET"
                                     ? client.Get(request.target.c_str(), request.headers)
                                     : client.Post(request.target.c_str(), request.headers,
                                                   request.body, "application/json");
        mine.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (!result || result->status != 200) {
          if (errors.fetch_add(1) < 3) {
            std::cerr << "request failed: "
                      << (result ? std::to_string(result->status) + " " + result->body
                                 : httplib::to_string(result.error()))
                      << "\n";
          }
        }
      }
      client_cpu[c] = CpuSeconds(RUSAGE_THREAD) - cpu_start;
    });
  }
  for (std::thread& thread : threads) thread.join();
  PhaseResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (double cpu : client_cpu) result.client_cpu_seconds += cpu;
  result.server_cpu_seconds =
      CpuSeconds(RUSAGE_SELF) - process_cpu_start - result.client_cpu_seconds;
  for (const std::vector<double>& part : latencies) {
    result.latencies_ms.insert(result.latencies_ms.end(), part.begin(), part.end());
  }
  result.requests = result.latencies_ms.size();
  result.errors = errors.load();
  return result;
}

void Print(const char* name, PhaseResult result) {
  std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
  auto percentile = [&](double p) {
    if (result.latencies_ms.empty()) return 0.0;
    return result.latencies_ms[std::min(
        result.latencies_ms.size() - 1,
        static_cast<size_t>(p * static_cast<double>(result.latencies_ms.size())))];
  };
  double requests = static_cast<double>(std::max<size_t>(1, result.requests));
  double server_us = result.server_cpu_seconds / requests * 1e6;
  std::printf(
      "%-24s %7zu req %5.2f s %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  errors %zu | "
      "server CPU %5.0f us/req (2 cores: %6.0f req/s), load generator %4.0f us/req\n",
      name, result.requests, result.seconds, static_cast<double>(result.requests) / result.seconds,
      percentile(0.50), percentile(0.99),
      result.latencies_ms.empty() ? 0.0 : result.latencies_ms.back(), result.errors, server_us,
      2e6 / server_us, result.client_cpu_seconds / requests * 1e6);
  std::fflush(stdout);
}

// The operations of the mixed phase, in the order each client cycles through them.
enum class MixedOp {
  kGetFinding,
  kListFindings,
  kArchive,
  kUnarchive,
  kTag,
  kUntag,
  kCreateRule,
  kDeleteRule,
  kImport
};
constexpr int kMixedOps = 9;

const char* MixedOpName(MixedOp op) {
  switch (op) {
    case MixedOp::kGetFinding:
      return "GetFinding";
    case MixedOp::kListFindings:
      return "ListFindings";
    case MixedOp::kArchive:
      return "UpdateFindings ARCHIVED";
    case MixedOp::kUnarchive:
      return "UpdateFindings ACTIVE";
    case MixedOp::kTag:
      return "TagResource";
    case MixedOp::kUntag:
      return "UntagResource";
    case MixedOp::kCreateRule:
      return "CreateArchiveRule";
    case MixedOp::kDeleteRule:
      return "DeleteArchiveRule";
    case MixedOp::kImport:
      return "import (1 bucket)";
  }
  return "?";
}

// Twenty requests, thirteen reads and seven writes: each write of a pair in one half, its undo in
// the other, and one import.
constexpr MixedOp kMixedCycle[] = {
    MixedOp::kGetFinding,   MixedOp::kListFindings, MixedOp::kGetFinding,   MixedOp::kArchive,
    MixedOp::kGetFinding,   MixedOp::kListFindings, MixedOp::kTag,          MixedOp::kGetFinding,
    MixedOp::kListFindings, MixedOp::kCreateRule,   MixedOp::kGetFinding,   MixedOp::kListFindings,
    MixedOp::kGetFinding,   MixedOp::kUnarchive,    MixedOp::kImport,       MixedOp::kListFindings,
    MixedOp::kUntag,        MixedOp::kGetFinding,   MixedOp::kListFindings, MixedOp::kDeleteRule,
};

struct MixedContext {
  int port;
  std::string host;
  std::string analyzer_arn;
  const std::vector<std::string>* tokens;  // ListFindings start points
  const Options* options;
};

// One client's request for `op`; `finding` is the finding it archives and unarchives, `rule` the
// archive rule it creates and deletes, this cycle.
SignedRequest MixedRequest(const MixedContext& context, MixedOp op, int client,
                           std::mt19937_64& random, const std::string& finding,
                           const std::string& rule) {
  const std::string arn = aws::sigv4::UriEncode(context.analyzer_arn, false);
  switch (op) {
    case MixedOp::kGetFinding:
      return Sign("GET", base::Concat("/finding/", FindingId(random() % context.options->findings)),
                  base::Concat("analyzerArn=", arn), "", context.host);
    case MixedOp::kListFindings: {
      const std::string& token = (*context.tokens)[random() % context.tokens->size()];
      return Sign("POST", "/finding", "",
                  ListBody(context.analyzer_arn, context.options->page_size, token), context.host);
    }
    case MixedOp::kArchive:
    case MixedOp::kUnarchive:
      return Sign(
          "PUT", "/finding", "",
          base::Concat(R"({"analyzerArn":")", context.analyzer_arn, R"(","ids":[")", finding,
                       R"("],"status":")", op == MixedOp::kArchive ? "ARCHIVED" : "ACTIVE", "\"}"),
          context.host);
    case MixedOp::kTag:
      return Sign("POST", base::Concat("/tags/", arn), "",
                  base::Concat(R"({"tags":{"client-)", client, R"(":"on"}})"), context.host);
    case MixedOp::kUntag:
      return Sign("DELETE", base::Concat("/tags/", arn), base::Concat("tagKeys=client-", client),
                  "", context.host);
    case MixedOp::kCreateRule:
      return Sign(
          "PUT", "/analyzer/bench/archive-rule", "",
          base::Concat(R"({"ruleName":")", rule,
                       R"(","filter":{"resource":{"eq":["arn:aws:s3:::no-such-bucket"]}}})"),
          context.host);
    case MixedOp::kDeleteRule:
      return Sign("DELETE", base::Concat("/analyzer/bench/archive-rule/", rule), "", "",
                  context.host);
    case MixedOp::kImport:
      // A bucket without a policy: stored and analyzed, no finding.
      return Sign(
          "POST", "/perimeter/import", "",
          base::Concat(R"({"kind":"resource","resourceArn":"arn:aws:s3:::load-import-)", client,
                       R"(","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":")", kAccount,
                       R"(","region":")", kRegion, R"(","configuration":{"s3Bucket":{}}})"),
          context.host);
  }
  return {};
}

httplib::Result Send(httplib::Client& client, const SignedRequest& request) {
  if (request.method == "GET") return client.Get(request.target.c_str(), request.headers);
  if (request.method == "DELETE") return client.Delete(request.target.c_str(), request.headers);
  if (request.method == "PUT") {
    return client.Put(request.target.c_str(), request.headers, request.body, "application/json");
  }
  return client.Post(request.target.c_str(), request.headers, request.body, "application/json");
}

// The mixed phase: `clients` connections, each cycling through kMixedCycle until `seconds` or
// `requests` (over all clients) is reached. Prints one line per operation.
void RunMixed(const MixedContext& context) {
  const Options& options = *context.options;
  const int clients = options.mixed_clients;
  std::atomic<size_t> issued{0};
  std::atomic<size_t> errors{0};
  // latencies[client][op]
  std::vector<std::array<std::vector<double>, kMixedOps>> latencies(clients);
  double process_cpu_start = CpuSeconds(RUSAGE_SELF);
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(options.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", context.port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60);
      std::mt19937_64 random(1000 + c);
      std::string finding;  // archived this cycle, unarchived next
      std::string rule;     // created this cycle, deleted next
      bool tagged = false;
      // Each client starts at its own place in the cycle, so that the writes are spread over time.
      for (size_t n = static_cast<size_t>(c) * 3;; ++n) {
        if (issued.fetch_add(1) >= options.requests || std::chrono::steady_clock::now() >= deadline)
          break;
        const size_t slot = n % std::size(kMixedCycle);
        const size_t round = n / std::size(kMixedCycle);
        const MixedOp op = kMixedCycle[slot];
        if (op == MixedOp::kArchive) finding = FindingId(random() % options.findings);
        // An undo before its write (a client starts mid-cycle) is skipped.
        if ((op == MixedOp::kUnarchive && finding.empty()) || (op == MixedOp::kUntag && !tagged) ||
            (op == MixedOp::kDeleteRule && rule.empty())) {
          continue;
        }
        if (op == MixedOp::kCreateRule) rule = base::Concat("load-", c, "-", round);
        if (op == MixedOp::kTag) tagged = true;
        SignedRequest request = MixedRequest(context, op, c, random, finding, rule);
        auto t0 = std::chrono::steady_clock::now();
        httplib::Result result = Send(client, request);
        latencies[c][static_cast<int>(op)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (!result || (result->status != 200 && result->status != 204)) {
          if (errors.fetch_add(1) < 5) {
            std::cerr << MixedOpName(op) << " failed: "
                      << (result ? std::to_string(result->status) + " " + result->body
                                 : httplib::to_string(result.error()))
                      << "\n";
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds(RUSAGE_SELF) - process_cpu_start;
  size_t total = 0;
  std::printf(
      "mixed: %d clients, %.1f s, process CPU %.1f s (server and load generator share the "
      "machine)\n",
      clients, seconds, cpu);
  for (int op = 0; op < kMixedOps; ++op) {
    std::vector<double> all;
    for (const auto& per_client : latencies)
      all.insert(all.end(), per_client[op].begin(), per_client[op].end());
    std::sort(all.begin(), all.end());
    total += all.size();
    auto percentile = [&](double p) {
      return all.empty() ? 0.0
                         : all[std::min(all.size() - 1,
                                        static_cast<size_t>(p * static_cast<double>(all.size())))];
    };
    std::printf("  %-24s %7zu req %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n",
                MixedOpName(static_cast<MixedOp>(op)), all.size(),
                static_cast<double>(all.size()) / seconds, percentile(0.50), percentile(0.99),
                all.empty() ? 0.0 : all.back());
  }
  std::printf("  %-24s %7zu req %7.0f req/s  errors %zu\n", "all", total,
              static_cast<double>(total) / seconds, errors.load());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--findings")
      options.findings = std::stoul(argv[++i]);
    else if (flag == "--seconds")
      options.seconds = std::stod(argv[++i]);
    else if (flag == "--requests")
      options.requests = std::stoul(argv[++i]);
    else if (flag == "--connections")
      options.connections = std::stoi(argv[++i]);
    else if (flag == "--page-size")
      options.page_size = std::stoi(argv[++i]);
    else if (flag == "--phases")
      options.phases = argv[++i];
    else if (flag == "--mixed-clients")
      options.mixed_clients = std::stoi(argv[++i]);
  }
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / base::Concat("perimeter-load-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string analyzer_arn =
      base::Concat("arn:aws:access-analyzer:", kRegion, ":", kAccount, ":analyzer/bench");

  auto seed_start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> sqlite =
      store::SqliteStore::Open((dir / "perimeter.db").string());
  if (!sqlite.ok()) {
    std::cerr << sqlite.status() << "\n";
    return 1;
  }
  if (absl::Status status = bench::SeedFindings(**sqlite, analyzer_arn, kAccount, kRegion,
                                                options.findings, SeededFinding);
      !status.ok()) {
    std::cerr << status << "\n";
    return 1;
  }
  std::printf("seeded %zu findings into SQLite in %.1f s (%s)\n", options.findings,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count(),
              dir.c_str());

  server::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.data_dir = dir.string();
  config.scan_at_start = false;
  config.accounts = {service::Account{kAccount, "Bench", {}, ""}};
  config.credentials = {kKey};
  static base::SystemClock clock;
  absl::StatusOr<std::unique_ptr<server::Server>> server =
      server::Server::Create(config, std::move(*sqlite), clock, std::cerr);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  absl::StatusOr<int> port = (*server)->Bind();
  if (!port.ok()) {
    std::cerr << port.status() << "\n";
    return 1;
  }
  std::thread serving([&] { (*server)->Run(); });
  std::string host = base::Concat("127.0.0.1:", *port);

  // GetFinding: 4,096 random findings.
  std::mt19937_64 random(1);
  std::string encoded_arn = aws::sigv4::UriEncode(analyzer_arn, false);
  std::vector<SignedRequest> gets;
  for (int i = 0; i < 4096; ++i) {
    std::string id = FindingId(random() % options.findings);
    gets.push_back(Sign("GET", base::Concat("/finding/", id),
                        base::Concat("analyzerArn=", encoded_arn), "", host));
  }
  // ListFindings: the first page and pages spread over the whole listing (tokens from a walk).
  std::vector<std::string> tokens{""};
  {
    httplib::Client walker("127.0.0.1", *port);
    std::string token;
    size_t page = 0;
    while (true) {
      SignedRequest request =
          Sign("POST", "/finding", "", ListBody(analyzer_arn, 1000, token), host);
      httplib::Result result =
          walker.Post("/finding", request.headers, request.body, "application/json");
      if (!result || result->status != 200) {
        std::cerr << "walk failed: " << (result ? result->body : httplib::to_string(result.error()))
                  << "\n";
        return 1;
      }
      json::ParseResult reply = json::Parse(result->body);
      std::optional<json::Value> next =
          reply.ok() ? reply.document.root().Find("nextToken") : std::nullopt;
      if (!next.has_value()) break;
      token = std::string(next->text());
      ++page;
      tokens.push_back(token);
    }
    std::printf(
        "walked the ACTIVE listing in pages of 1000: %zu pages; %zu start points for "
        "ListFindings\n",
        page + 1, tokens.size());
  }
  std::vector<SignedRequest> lists;
  for (const std::string& token : tokens) {
    lists.push_back(
        Sign("POST", "/finding", "", ListBody(analyzer_arn, options.page_size, token), host));
  }

  std::printf("%d connections, at most %zu requests or %.0f s per phase, 127.0.0.1:%d, %u cores\n",
              options.connections, options.requests, options.seconds, *port,
              std::thread::hardware_concurrency());
  auto wanted = [&](std::string_view phase) {
    return base::Concat(",", options.phases, ",").find(base::Concat(",", phase, ",")) !=
           std::string::npos;
  };
  if (wanted("get")) Print("GetFinding", RunPhase(*port, gets, options));
  if (wanted("list")) {
    Print(base::Concat("ListFindings (", options.page_size, "/page)").c_str(),
          RunPhase(*port, lists, options));
  }
  std::vector<SignedRequest> full_pages;
  for (const std::string& token : tokens) {
    full_pages.push_back(Sign("POST", "/finding", "", ListBody(analyzer_arn, 100, token), host));
  }
  if (wanted("list100")) Print("ListFindings (100/page)", RunPhase(*port, full_pages, options));
  if (wanted("mixed")) RunMixed(MixedContext{*port, host, analyzer_arn, &tokens, &options});

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS (server and load generator) %.1f MiB\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  (*server)->Stop();
  serving.join();
  server->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
