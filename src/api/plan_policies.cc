#include "api/plan_policies.h"

#include "ratelimit/http_headers.h"

#include <stdexcept>

namespace smlapi::api {

std::size_t PlanPolicies::index_of(LimitClass limit) {
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    if (kClasses[i] == limit) return i;
  }
  return kClasses.size();
}

const PlanPolicy* PlanPolicies::find(std::string_view plan, LimitClass limit) const {
  const auto found = plans_.find(plan);
  const std::size_t index = index_of(limit);
  if (found == plans_.end() || index == kClasses.size()) return nullptr;
  return &found->second[index];
}

void PlanPolicies::add(std::string_view plan, std::uint32_t requests_per_minute,
                       std::uint32_t burst,
                       const std::function<std::string_view(LimitClass)>& name_of) {
  std::array<PlanPolicy, kClasses.size()> policies;
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    ratelimit::Policy policy;
    policy.name.assign(name_of(kClasses[i])).append(".").append(plan);
    policy.limit = requests_per_minute;
    policy.period = std::chrono::seconds(60);
    policy.burst = burst;
    // The users file bounds plans (auth::kMaxPlan*) within what the limiter accepts.
    if (!ratelimit::validate(policy)) throw std::invalid_argument(policy.name + ": invalid plan");
    policies[i].plan.assign(plan);
    policies[i].header_value = ratelimit::ratelimit_policy_value(policy);
    policies[i].policy = std::move(policy);
  }
  plans_.insert_or_assign(std::string(plan), std::move(policies));
}

}  // namespace smlapi::api
