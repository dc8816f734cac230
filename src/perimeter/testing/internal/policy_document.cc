#include "perimeter/testing/internal/policy_document.h"

#include <algorithm>
#include <map>

#include "perimeter/json/writer.h"

namespace perimeter::corpus::internal {
namespace {

void WriteValues(json::Writer& w, const Values& values) {
  if (!values.as_list && values.items.size() == 1) {
    w.String(values.items.front());
    return;
  }
  w.StringArray(values.items);
}

void WritePrincipal(json::Writer& w, const Principal& principal) {
  switch (principal.form) {
    case PrincipalForm::kAbsent:
      return;
    case PrincipalForm::kStarText:
      w.String("*");
      return;
    case PrincipalForm::kMap:
      w.BeginObject();
      for (const auto& [kind, values] : principal.entries) {
        w.Key(kind);
        WriteValues(w, values);
      }
      w.EndObject();
      return;
  }
}

void WriteStatement(json::Writer& w, const Statement& s) {
  w.BeginObject();
  if (s.sid.has_value()) w.Key("Sid").String(*s.sid);
  w.Key("Effect").String(s.deny ? "Deny" : "Allow");
  if (s.principal.form != PrincipalForm::kAbsent) {
    w.Key(s.not_principal ? "NotPrincipal" : "Principal");
    WritePrincipal(w, s.principal);
  }
  w.Key(s.not_action ? "NotAction" : "Action");
  WriteValues(w, s.actions);
  if (s.resources.has_value()) {
    w.Key(s.not_resource ? "NotResource" : "Resource");
    WriteValues(w, *s.resources);
  }
  if (!s.conditions.empty()) {
    // Condition blocks grouped by operator, in the order they were added; a key named twice under
    // one operator gets the union of the values (IAM would reject the duplicate key).
    std::vector<std::string> ops;
    std::map<std::string, std::vector<const Condition*>> by_op;
    for (const Condition& c : s.conditions) {
      if (!by_op.contains(c.op)) ops.push_back(c.op);
      std::vector<const Condition*>& list = by_op[c.op];
      auto same = std::find_if(list.begin(), list.end(),
                               [&](const Condition* o) { return o->key == c.key; });
      if (same == list.end()) list.push_back(&c);
    }
    w.Key("Condition").BeginObject();
    for (const std::string& op : ops) {
      w.Key(op).BeginObject();
      for (const Condition* c : by_op[op]) {
        Values merged = c->values;
        for (const Condition& other : s.conditions) {
          if (&other == c || other.op != op || other.key != c->key) continue;
          merged.items.insert(merged.items.end(), other.values.items.begin(),
                              other.values.items.end());
          merged.as_list = true;
        }
        w.Key(c->key);
        if (c->literal && merged.items.size() == 1) {
          w.Raw(merged.items.front());
        } else {
          WriteValues(w, merged);
        }
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string WritePolicy(const Policy& policy) {
  json::Writer w;
  w.BeginObject();
  w.Key("Version").String(policy.version);
  if (policy.id.has_value()) w.Key("Id").String(*policy.id);
  w.Key("Statement");
  if (policy.single_statement_object && policy.statements.size() == 1) {
    WriteStatement(w, policy.statements.front());
  } else {
    w.BeginArray();
    for (const Statement& s : policy.statements) WriteStatement(w, s);
    w.EndArray();
  }
  w.EndObject();
  return std::move(w).Take();
}

std::string Cat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

}  // namespace perimeter::corpus::internal
