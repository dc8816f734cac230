// perimeter-gen-corpus: writes a generated corpus (src/perimeter/testing/corpus_generator.h,
// docs/corpus.md) for benchmarks and manual runs. A tool of its own, not a `perimeter` subcommand:
// the product's command line stays what users run, and the tests link the generator directly.
//
//   perimeter-gen-corpus --count 100000 --seed 1 --format inventory -o build/bench/inventory.jsonl
//
// Exit status: 0 written, 2 bad arguments or the output cannot be written.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/testing/corpus_generator.h"

namespace {

using perimeter::corpus::CorpusFormat;
using perimeter::corpus::CorpusOptions;

constexpr char kUsage[] =
    "usage: perimeter-gen-corpus [--count N] [--seed S] [--format lines|inventory] [--types "
    "T,...]\n"
    "                            [--families all|none|F,...] [--zone-account ID] [--org-id ID]\n"
    "                            [--members ID,...] [--region R] [--labels] [-o FILE]\n"
    "  --count     resources to write (default 1000)\n"
    "  --seed      unsigned integer seed (default 1); record i depends only on (seed, i)\n"
    "  --format    lines: {arn, resource_type, account, region, policy} per resource (default);\n"
    "              inventory: docs/inventory.md records (organization, accounts, then resources)\n"
    "  --types     resource types to draw from, AWS names, comma-separated (default: every type)\n"
    "  --families  shape families to include (default all): org-paths, arn-wildcards, "
    "resource-account,\n"
    "              federated, arn-non-arn-values, policy-variables\n"
    "  --labels    add a \"labels\" list naming the shapes each record was built from\n"
    "  -o FILE     output file (default: standard output)\n";

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool ParseUnsigned(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

int Fail(const std::string& message) {
  std::cerr << "perimeter-gen-corpus: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CorpusOptions options;
  uint64_t count = 1000;
  CorpusFormat format = CorpusFormat::kLines;
  bool labels = false;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view& into) {
      if (i + 1 >= argc) return false;
      into = argv[++i];
      return true;
    };
    std::string_view v;
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--labels") {
      labels = true;
    } else if (!value(v)) {
      return Fail("unknown option or missing value: " + std::string(arg));
    } else if (arg == "--count") {
      if (!ParseUnsigned(v, count)) return Fail("--count must be an unsigned integer");
    } else if (arg == "--seed") {
      if (!ParseUnsigned(v, options.seed)) return Fail("--seed must be an unsigned integer");
    } else if (arg == "--format") {
      if (v == "lines") {
        format = CorpusFormat::kLines;
      } else if (v == "inventory") {
        format = CorpusFormat::kInventory;
      } else {
        return Fail("--format must be lines or inventory");
      }
    } else if (arg == "--types") {
      options.types.clear();
      for (const std::string& name : SplitCommas(v)) {
        std::optional<perimeter::resources::ResourceType> type =
            perimeter::corpus::ParseCorpusResourceType(name);
        if (!type.has_value()) return Fail("unknown resource type: " + name);
        options.types.push_back(*type);
      }
    } else if (arg == "--families") {
      options.families.clear();
      if (v == "all") {
        options.families.insert(perimeter::corpus::AllCorpusShapeFamilies().begin(),
                                perimeter::corpus::AllCorpusShapeFamilies().end());
      } else if (v != "none") {
        for (const std::string& name : SplitCommas(v)) {
          std::optional<perimeter::corpus::CorpusShapeFamily> family =
              perimeter::corpus::ParseCorpusShapeFamily(name);
          if (!family.has_value()) return Fail("unknown shape family: " + name);
          options.families.insert(*family);
        }
      }
    } else if (arg == "--zone-account") {
      options.zone_account = std::string(v);
    } else if (arg == "--org-id") {
      options.organization_id = std::string(v);
    } else if (arg == "--members") {
      options.members = SplitCommas(v);
    } else if (arg == "--region") {
      options.region = std::string(v);
    } else if (arg == "-o" || arg == "--output") {
      output = std::string(v);
    } else {
      return Fail("unknown option: " + std::string(arg));
    }
  }
  if (options.zone_account.size() != 12 ||
      options.zone_account.find_first_not_of("0123456789") != std::string::npos) {
    return Fail("--zone-account must be 12 digits");
  }

  std::ofstream file;
  if (!output.empty()) {
    file.open(output, std::ios::out | std::ios::trunc);
    if (!file) return Fail("cannot write " + output);
  }
  std::ostream& out = output.empty() ? std::cout : file;
  // Written record by record: a corpus of 10^6 records is never held whole in memory.
  if (format == CorpusFormat::kInventory) {
    for (const std::string& line : perimeter::corpus::CorpusInventoryHeader(options))
      out << line << '\n';
  }
  for (uint64_t i = 0; i < count; ++i) {
    perimeter::corpus::CorpusRecord record = perimeter::corpus::GenerateCorpusRecord(options, i);
    out << (format == CorpusFormat::kLines
                ? perimeter::corpus::CorpusLine(record, labels)
                : perimeter::corpus::CorpusInventoryRecord(record, labels))
        << '\n';
  }
  out.flush();
  if (!out) {
    std::cerr << "perimeter-gen-corpus: cannot write "
              << (output.empty() ? "standard output" : output) << "\n";
    return 2;
  }
  return 0;
}
