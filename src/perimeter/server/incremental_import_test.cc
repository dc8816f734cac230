// Incremental imports (docs/server.md, "Incremental imports"): a sequence of small imports, each
// brought into the catalog in place (InventoryCatalog::WithResources) and re-analyzed for the
// analyzers that see what changed, ends in the same findings as one import of the final state into
// a fresh server. Random small changes on a small generated corpus (tests/testing's generator): a
// resource's configuration replaced by another of its type, put back, a bucket made public or
// claimed by a second account, a new bucket, the owner account's S3 Block Public Access turned on
// and off. On the memory and the SQLite store.
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/server/server.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"
#include "perimeter/testing/corpus_generator.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::server {
namespace {

constexpr char kOrgAnalyzer[] = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org";
constexpr char kAccountAnalyzer[] =
    "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/account";

enum class StoreKind { kMemory, kSqlite };

// A server over a fresh store with an ORGANIZATION analyzer of the corpus's management account and
// an ACCOUNT analyzer of a member, its analysis worker running.
class RunningServer {
 public:
  RunningServer(StoreKind kind, const std::filesystem::path& directory) : clock_(1765000000000) {
    std::unique_ptr<store::Store> owned;
    switch (kind) {
      case StoreKind::kMemory:
        owned = std::make_unique<store::MemoryStore>();
        break;
      case StoreKind::kSqlite:
        owned = store::SqliteStore::Open((directory / "perimeter.db").string()).value();
        break;
    }
    store_ = owned.get();
    for (auto [arn, account, type] :
         {std::tuple{kOrgAnalyzer, "123456789012", store::AnalyzerType::kOrganization},
          std::tuple{kAccountAnalyzer, "111122223333", store::AnalyzerType::kAccount}}) {
      store::Analyzer analyzer;
      analyzer.arn = arn;
      analyzer.account_id = account;
      analyzer.region = "us-east-1";
      analyzer.name = std::string(arn).substr(std::string(arn).rfind('/') + 1);
      analyzer.type = type;
      EXPECT_TRUE(store_->PutAnalyzer(analyzer).ok());
    }
    ServerConfig config;
    config.port = 0;
    config.scan_at_start = false;
    server_ = Server::Create(std::move(config), std::move(owned), clock_, log_).value();
    EXPECT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }

  void Import(const std::string& text) {
    ASSERT_TRUE(server_->Import("<test>", text).ok()) << log_.str();
    server_->WaitForAnalysis();
  }

  // The findings an API client would read as current (ACTIVE and ARCHIVED), one line each: id,
  // status, resource, owner, principal, actions, condition, error.
  std::vector<std::string> CurrentFindings(std::string_view analyzer) {
    std::vector<std::string> out;
    std::vector<findings::FindingRecord> records = store_->ListFindings(analyzer).value();
    for (const findings::FindingRecord& record : records) {
      if (record.status == findings::FindingStatus::kResolved) continue;
      const findings::Finding& finding = record.finding;
      std::string line = base::Concat(finding.id, " ", findings::FindingStatusName(record.status),
                                      " ", finding.resource, " ", finding.resource_owner_account,
                                      " error=", finding.error.value_or(""));
      for (const auto& [key, value] : finding.principal)
        line += base::Concat(" p:", key, "=", value);
      for (const std::string& action : finding.actions) line += base::Concat(" a:", action);
      for (const auto& [key, value] : finding.condition)
        line += base::Concat(" c:", key, "=", value);
      out.push_back(std::move(line));
    }
    return out;
  }

 private:
  base::FakeClock clock_;
  std::ostringstream log_;
  store::Store* store_ = nullptr;  // owned by server_
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// The inventory's state: header records (organization, accounts) and resource records by (ARN,
// owner), each as its JSON text.
struct InventoryState {
  std::vector<std::string> header;
  std::map<std::pair<std::string, std::string>, std::string> resources;

  std::string Text() const {
    std::string text;
    for (const std::string& line : header) text += line + "\n";
    for (const auto& [key, line] : resources) text += line + "\n";
    return text;
  }
};

std::string Bucket(std::string_view name, std::string_view owner, bool is_public) {
  std::string configuration =
      is_public
          ? base::Concat(
                R"({"s3Bucket":{"bucketPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{)",
                R"(\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",)",
                R"(\"Resource\":\"arn:aws:s3:::)", name, R"(/*\"}]}"}})")
          : std::string(R"({"s3Bucket":{}})");
  return base::Concat(R"({"kind":"resource","resourceArn":"arn:aws:s3:::)", name,
                      R"(","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":")", owner,
                      R"(","region":"us-east-1","configuration":)", configuration, "}");
}

constexpr size_t kCorpusSize = 80;
constexpr int kSteps = 40;

class IncrementalImportTest : public testing::TestWithParam<std::tuple<StoreKind, uint32_t>> {};

TEST_P(IncrementalImportTest, SequenceOfSmallImportsEndsAsOneFreshImport) {
  auto [kind, seed] = GetParam();
  perimeter_testing::ScopedTempDir directory;
  corpus::CorpusOptions options;
  options.seed = seed;
  std::vector<corpus::CorpusRecord> records;
  for (size_t i = 0; i < kCorpusSize; ++i)
    records.push_back(corpus::GenerateCorpusRecord(options, i));
  InventoryState state;
  state.header = corpus::CorpusInventoryHeader(options);
  ASSERT_GE(state.header.size(), 2u);
  const std::string original_account = state.header[1];  // the management account's record
  ASSERT_NE(original_account.find(R"("accountId":"123456789012")"), std::string::npos);
  const std::string blocking_account = base::Concat(
      R"({"kind":"account","accountId":"123456789012","s3PublicAccessBlock":{"blockPublicAcls":true,)",
      R"("ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}})");
  for (const corpus::CorpusRecord& record : records)
    state.resources[{record.arn, record.account}] = corpus::CorpusInventoryRecord(record);

  std::filesystem::path incremental_dir = directory.path() / "incremental";
  std::filesystem::create_directories(incremental_dir);
  RunningServer incremental(kind, incremental_dir);
  incremental.Import(state.Text());

  std::mt19937 random(seed);
  auto below = [&](size_t n) { return static_cast<size_t>(random() % n); };
  for (int step = 0; step < kSteps; ++step) {
    std::vector<std::string> lines;  // this step's import
    size_t changes = 1 + below(3);
    for (size_t c = 0; c < changes; ++c) {
      corpus::CorpusRecord record = records[below(records.size())];
      std::string line;
      switch (below(6)) {
        case 0:  // put back as generated
          line = corpus::CorpusInventoryRecord(record);
          break;
        case 1: {  // another configuration of the same type
          corpus::CorpusRecord other =
              corpus::GenerateCorpusRecord(options, kCorpusSize + below(500));
          for (int tries = 0; other.type != record.type && tries < 50; ++tries)
            other = corpus::GenerateCorpusRecord(options, kCorpusSize + below(500));
          if (other.type != record.type) continue;
          record.policy = other.policy;
          record.configuration = other.configuration;
          line = corpus::CorpusInventoryRecord(record);
          break;
        }
        case 2:  // a bucket made public (or private), possibly a second account's claim on it
        case 3: {
          if (record.type != resources::ResourceType::kS3Bucket) continue;
          std::string name = record.arn.substr(record.arn.rfind(':') + 1);
          std::string owner = below(3) == 0 ? "444455556666" : record.account;
          line = Bucket(name, owner, below(2) == 0);
          state.resources[{record.arn, owner}] = line;
          lines.push_back(line);
          continue;
        }
        case 4: {  // a new bucket
          std::string name = base::Concat("added-", seed, "-", step, "-", c);
          std::string owner = below(2) == 0 ? "123456789012" : "111122223333";
          line = Bucket(name, owner, below(2) == 0);
          state.resources[{"arn:aws:s3:::" + name, owner}] = line;
          lines.push_back(line);
          continue;
        }
        case 5:  // the owner account's Block Public Access, on or off (a full scan)
          state.header[1] =
              state.header[1] == original_account ? blocking_account : original_account;
          lines.push_back(state.header[1]);
          continue;
      }
      state.resources[{record.arn, record.account}] = line;
      lines.push_back(line);
    }
    if (lines.empty()) continue;
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    incremental.Import(text);
  }

  std::filesystem::path fresh_dir = directory.path() / "fresh";
  std::filesystem::create_directories(fresh_dir);
  RunningServer fresh(kind, fresh_dir);
  fresh.Import(state.Text());
  for (const char* analyzer : {kOrgAnalyzer, kAccountAnalyzer}) {
    std::vector<std::string> expected = fresh.CurrentFindings(analyzer);
    EXPECT_FALSE(expected.empty() && std::string(analyzer) == kOrgAnalyzer);
    EXPECT_EQ(incremental.CurrentFindings(analyzer), expected) << analyzer;
  }
}

// SQLite commits each finding change durably (a few seconds for one sequence): one seed there.
INSTANTIATE_TEST_SUITE_P(BothStores, IncrementalImportTest,
                         testing::Values(std::tuple{StoreKind::kMemory, 1u},
                                         std::tuple{StoreKind::kMemory, 2u},
                                         std::tuple{StoreKind::kMemory, 3u},
                                         std::tuple{StoreKind::kSqlite, 1u}));

}  // namespace
}  // namespace perimeter::server
