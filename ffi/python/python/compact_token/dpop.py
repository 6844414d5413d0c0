"""DPoP (RFC 9449) for compact_token: the client's proofs, the key thumbprint an issuer
binds a token to, and the replay cache a resource server shares. Verifying a bound token
with its proof is compact_token.verify_access(..., dpop=proof, htm=..., htu=...,
replay=cache)."""

from compact_token import ReplayCache
from compact_token import dpop_jkt as jkt
from compact_token import issue_dpop_proof as issue_proof

__all__ = ["ReplayCache", "issue_proof", "jkt"]
