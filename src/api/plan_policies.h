// The rate-limit policies of the users file's plans (auth::Plan): for each plan, the subject
// limit of each limit class, named "<class policy>-user.<plan>" ("predict-user.gold") so the
// RateLimit headers say which quota counted. A worker prepares them once per identity-store
// generation (Admission) and shares them with its pending requests, which keep the set they
// were counted with alive until their answer is written.
#pragma once

#include "api/routes.h"
#include "ratelimit/policy.h"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace smlapi::api {

// A plan's policy for one limit class, with its RateLimit-Policy value formatted once.
struct PlanPolicy {
  std::string plan;  // "gold"
  ratelimit::Policy policy;
  std::string header_value;
};

class PlanPolicies {
 public:
  explicit PlanPolicies(std::uint64_t generation = 0) : generation_(generation) {}

  // The policy of `plan` for routes of class `limit`; null for an unknown plan or an unlimited
  // class.
  const PlanPolicy* find(std::string_view plan, LimitClass limit) const;
  // `name_of(limit)` is the server's subject policy name of that class ("predict-user").
  void add(std::string_view plan, std::uint32_t requests_per_minute, std::uint32_t burst,
           const std::function<std::string_view(LimitClass)>& name_of);

  std::uint64_t generation() const { return generation_; }

 private:
  static constexpr std::array<LimitClass, 3> kClasses{LimitClass::standard, LimitClass::token,
                                                      LimitClass::predict};
  static std::size_t index_of(LimitClass limit);

  std::uint64_t generation_;
  std::map<std::string, std::array<PlanPolicy, kClasses.size()>, std::less<>> plans_;
};

}  // namespace smlapi::api
