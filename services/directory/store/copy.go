package store

import (
	"encoding/binary"
	"fmt"
)

// copyHeader starts a binary COPY stream: signature, flags, header extension length.
const copyHeader = "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// encodeCopy encodes rows in PostgreSQL's binary COPY format; values are
// TEXT (string), BYTEA ([]byte), BOOLEAN (bool) or BIGINT (int64).
func encodeCopy(rows [][]any) ([]byte, error) {
	buf := make([]byte, 0, 64*1024)
	buf = append(buf, copyHeader...)
	be := binary.BigEndian
	for _, row := range rows {
		buf = be.AppendUint16(buf, uint16(len(row)))
		for _, v := range row {
			switch v := v.(type) {
			case string:
				buf = append(be.AppendUint32(buf, uint32(len(v))), v...)
			case []byte:
				buf = append(be.AppendUint32(buf, uint32(len(v))), v...)
			case bool:
				b := byte(0)
				if v {
					b = 1
				}
				buf = append(be.AppendUint32(buf, 1), b)
			case int64:
				buf = be.AppendUint64(be.AppendUint32(buf, 8), uint64(v))
			default:
				return nil, fmt.Errorf("copy: unsupported value %T", v)
			}
		}
	}
	return be.AppendUint16(buf, 0xffff), nil
}
