// Tests for OptigoPcap.
