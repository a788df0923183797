package state

// Member is a coordinator's addresses. Raft's own configuration says who
// votes; the state keeps what Raft does not: the HTTP address that followers
// forward requests to.
type Member struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	HTTPAddr string `json:"http_addr"`
}

// SetMember records or replaces a member's addresses.
func (s *State) SetMember(m Member) error {
	if m.ID == "" || m.RaftAddr == "" || m.HTTPAddr == "" {
		return invalidf("member %+v: expected id, raft_addr and http_addr", m)
	}
	s.Members[m.ID] = &m
	return nil
}

// RemoveMember forgets a member's addresses. Removing an unknown member is
// not an error, so that a retried removal succeeds.
func (s *State) RemoveMember(id string) error {
	delete(s.Members, id)
	return nil
}

// Member returns a copy of a member's record.
func (s *State) Member(id string) (Member, bool) {
	m, ok := s.Members[id]
	if !ok {
		return Member{}, false
	}
	return *m, true
}
