# Remote state in S3 with S3-native locking (Terraform >= 1.10, use_lockfile):
# a second `terraform apply` waits on the lock object instead of racing.
# The bucket must have versioning, default SSE-KMS encryption and a policy that
# denies non-TLS access; it is created once, outside this configuration
# (docs/deployment.md, "Remote state"). Values are passed at init time:
#   terraform init -backend-config=backend.hcl     (see backend.hcl.example)
terraform {
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
