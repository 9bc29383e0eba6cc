# Exact provider pins: a provider upgrade is a reviewed change (Dependabot /
# Renovate PR), never a side effect of `terraform init`. The lock file
# (.terraform.lock.hcl) produced by the first init must be committed too.
terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.94.1"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.6.3"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      "app.kubernetes.io/part-of" = "secure-ml-api"
      "managed-by"                = "terraform"
      "environment"               = var.environment
    })
  }
}
