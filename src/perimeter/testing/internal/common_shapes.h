// Internal to the corpus generator (src/perimeter/testing/corpus_generator.h); not an API.
// Shapes shared by several resource types: the conditions of public grants, the issue #12 shape
// families, the Deny guard rails, and the policy's envelope.
#ifndef PERIMETER_TESTING_INTERNAL_COMMON_SHAPES_H_
#define PERIMETER_TESTING_INTERNAL_COMMON_SHAPES_H_

#include <optional>
#include <string>
#include <vector>

#include "perimeter/testing/internal/policy_document.h"
#include "perimeter/testing/internal/record_builder.h"

namespace perimeter::corpus::internal {

// What a Principal:"*" grant typically carries, restricting or not, traps included.
std::vector<Condition> PublicConditions(Builder& b);
// Appends one shape of an enabled family (trust: a role trust policy) with probability `percent`.
void MaybeFamily(Builder& b, std::vector<Statement>& stmts, const Access& access, bool trust,
                 int percent);
Statement DenyInsecureTransport(Builder& b, const Access& access);
Statement DenyOutsideOrganization(Builder& b, const Access& access);
Statement DenyUnlessPrincipalArn(Builder& b, const Access& access);
// The common tail of resource policies: a few guard rails on `guard`, then maybe a family shape on
// `grant`.
void GuardRails(Builder& b, std::vector<Statement>& stmts, const Access& guard,
                const Access& grant);
// The policy around `stmts`: its version, maybe an Id, maybe a single statement written as an
// object.
Policy Finish(Builder& b, std::vector<Statement> stmts, int version_2008_percent,
              std::optional<std::string> id);

}  // namespace perimeter::corpus::internal

#endif  // PERIMETER_TESTING_INTERNAL_COMMON_SHAPES_H_
