// A resource catalog with nothing imported, for tests of the services that need one
// (service::ResourceCatalog: the api/ operations, the server's configuration). Header-only: the
// product's libraries link service/ already.
#ifndef PERIMETER_TESTS_TESTING_EMPTY_CATALOG_H_
#define PERIMETER_TESTS_TESTING_EMPTY_CATALOG_H_

#include <optional>
#include <string_view>
#include <vector>

#include "perimeter/service/continuous_analysis.h"

namespace perimeter_testing {

class EmptyCatalog : public perimeter::service::ResourceCatalog {
 public:
  std::vector<perimeter::service::ResourceSummary> Resources() const override { return {}; }
  std::optional<perimeter::service::ResourceSummary> Find(std::string_view) const override {
    return std::nullopt;
  }
  std::vector<perimeter::findings::Finding> Analyze(
      std::string_view, const perimeter::reasoning::ZoneOfTrust&) const override {
    return {};
  }
};

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_EMPTY_CATALOG_H_
