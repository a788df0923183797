package contracts

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// JobKey is a job's id on chain, the bytes32 a buyer pays for: keccak256
// of the job id's UTF-8 bytes. The coordinators use the same function to
// tell which job a payment is for.
func JobKey(jobID string) common.Hash { return crypto.Keccak256Hash([]byte(jobID)) }

// DatasetKey is a dataset's id in the registry: keccak256 of the dataset
// id's UTF-8 bytes.
func DatasetKey(datasetID string) common.Hash { return crypto.Keccak256Hash([]byte(datasetID)) }
