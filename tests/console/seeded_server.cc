// The console's browser test's second server: `perimeter serve`'s Server over a SQLite data
// directory seeded with N findings (bench/seed_findings.h) for the ACCOUNT analyzer "bench" of one
// account in us-east-1, with no scan at start (a scan would resolve findings whose resources the
// inventory does not hold). Used to time the findings page at 100,000 findings. `--store memory`
// seeds the memory store instead (seconds instead of most of a minute on a loaded machine; the page
// is timed after the response arrives, so the store does not enter the figure).
//   console_seeded_server --data-dir DIR --findings N --account ID --key AKIA... --secret S
//                         [--store sqlite|memory]
// A SQLite directory already seeded with N findings (its file seeded-N) is served as it is: the
// browser test keeps one under build/ so that only its first run pays for the seeding.
// First stdout line: "listening on http://127.0.0.1:PORT"; serves until SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "bench/seed_findings.h"
#include "perimeter/base/text.h"
#include "perimeter/server/server.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter {
namespace {

std::string FindingId(size_t i) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08zx-0000-4000-8000-%012zx", i * 2654435761u % 0xFFFFFFFF,
                i);
  return buffer;
}

int Main(int argc, char** argv) {
  std::string data_dir, account, key, secret, kind = "sqlite";
  size_t count = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--data-dir") data_dir = value;
    if (flag == "--findings") count = std::stoul(value);
    if (flag == "--account") account = value;
    if (flag == "--key") key = value;
    if (flag == "--secret") secret = value;
    if (flag == "--store") kind = value;
  }
  if (data_dir.empty() || account.empty() || key.empty() || secret.empty()) {
    std::cerr << "usage: console_seeded_server --data-dir DIR --findings N --account ID --key K "
                 "--secret S\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::filesystem::create_directories(data_dir);
  std::unique_ptr<store::Store> store;
  if (kind == "memory") {
    store = std::make_unique<store::MemoryStore>();
  } else {
    auto sqlite =
        store::SqliteStore::Open((std::filesystem::path(data_dir) / "perimeter.db").string());
    if (!sqlite.ok()) {
      std::cerr << sqlite.status() << "\n";
      return 1;
    }
    store = std::move(*sqlite);
  }
  const std::string region = "us-east-1";
  std::string analyzer_arn =
      base::Concat("arn:aws:access-analyzer:", region, ":", account, ":analyzer/bench");
  const std::filesystem::path marker =
      std::filesystem::path(data_dir) / base::Concat("seeded-", count);
  const bool reuse = kind == "sqlite" && std::filesystem::exists(marker);
  absl::Status seeded =
      reuse
          ? absl::OkStatus()
          : bench::SeedFindings(*store, analyzer_arn, account, region, count, [&account](size_t i) {
              findings::FindingRecord record;
              record.finding.id = FindingId(i);
              record.finding.resource = base::Concat("arn:aws:s3:::seeded-bucket-", i);
              record.finding.resource_type = i % 4 == 0 ? "AWS::SQS::Queue" : "AWS::S3::Bucket";
              if (i % 4 == 0)
                record.finding.resource = base::Concat("arn:aws:sqs:us-east-1:", account, ":q-", i);
              record.finding.resource_owner_account = account;
              record.finding.principal = {
                  {"AWS",
                   i % 3 == 0 ? std::string("*") : base::Concat("9999888", 10000 + i % 90000)}};
              record.finding.is_public = i % 3 == 0;
              record.finding.actions = {"s3:GetObject", "s3:ListBucket"};
              if (i % 5 == 0)
                record.finding.condition = {{"aws:SourceVpc", "vpc-0123456789abcdef0"}};
              record.finding.sources = {findings::FindingSource{
                  findings::FindingSourceType::kPolicy, std::nullopt, std::nullopt}};
              record.status = i % 10 == 0 ? findings::FindingStatus::kArchived
                                          : findings::FindingStatus::kActive;
              record.created_at = bench::SeedTime() + absl::Seconds(static_cast<int64_t>(i) * 30);
              record.analyzed_at = record.updated_at = record.created_at;
              return record;
            });
  if (!seeded.ok()) {
    std::cerr << seeded << "\n";
    return 1;
  }
  if (kind == "sqlite" && !reuse) std::ofstream(marker) << count << "\n";
  server::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.data_dir = data_dir;
  config.scan_at_start = false;
  config.accounts = {service::Account{account, "Seeded", {region}, ""}};
  config.credentials = {
      {key, secret, account, base::Concat("arn:aws:iam::", account, ":user/seeded")}};
  static base::SystemClock clock;
  auto server = server::Server::Create(config, std::move(store), clock, std::cerr);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  absl::StatusOr<int> port = (*server)->Bind();
  if (!port.ok()) {
    std::cerr << port.status() << "\n";
    return 1;
  }
  std::cout << "listening on http://127.0.0.1:" << *port << std::endl;
  server::Server* running = server->get();
  std::thread waiter([&signals, running] {
    int signal = 0;
    sigwait(&signals, &signal);
    running->Stop();
  });
  running->Run();
  waiter.join();
  return 0;
}

}  // namespace
}  // namespace perimeter

int main(int argc, char** argv) { return perimeter::Main(argc, argv); }
