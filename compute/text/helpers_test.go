package text

import (
	"fmt"
	"strings"
)

// rng is splitmix64: a fixed, seedable generator, so every corpus the tests
// and benchmarks build is the same on every machine.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// corpusWords are common English words, weighted by repetition.
var corpusWords = strings.Fields(`the the the the of of of and and and to to to a a in in is is
that that for it it as was with with be be by on not he this are or his from at which but
have have an they you were her she there been one all we their has would when if so no will
can more about said its time only new some could these two may first then do any like
people other into my than now over such our man me even most made after also did many before
must through back years where much your way well down should because each just those how too
little state good very make world still own see men work long here get both between life being
under never day same another know while last might us great old year off come since against go
came right used take three himself few house use during without again place around however home
small found thought went say part once general high upon school every don't does got united left
number course war until always away something fact though water less public put think almost
hand enough far took head yet government system better set told nothing night end why called
didn't eyes find going look asked later knew point next program city business give group toward
young days let room president side social given present several order national possible rather
second face per among form important often things looking early white case john become large big
need four within felt along children saw best church ever least power development light thing
seemed family interest want members mind country area others done turned although open god
service certain kind problem began different door thus help sense means whole matter perhaps
itself york it's times law human line above name example action company hands local show whether
five history gave today either act feet across taken past quite anything seen having death experience
body word half really week field car words already information tell together college shall money
period held keep sure probably free seems political real behind clear process`)

// boilerplate are lines a web page carries besides its text.
var boilerplate = []string{
	"Home | About | Contact | Blog",
	"Privacy Policy",
	"This website uses cookies to improve your experience.",
	"Please enable JavaScript to view the comments.",
	"Share on Facebook",
	"Copyright 2024 Example Media. All rights reserved.",
	"Read more...",
	"• Related posts",
	"Posted by admin on March 3, 2024",
	"Tags: news, world, local",
}

// webDoc builds one document of about size bytes: paragraphs of sentences
// from corpusWords, some boilerplate lines, and now and then an e-mail
// address, an IP address or a phone number.
func webDoc(r *rng, size int) string {
	var b strings.Builder
	for b.Len() < size {
		switch r.intn(10) {
		case 0:
			b.WriteString(boilerplate[r.intn(len(boilerplate))])
			b.WriteByte('\n')
			continue
		}
		sentences := 2 + r.intn(5)
		for s := 0; s < sentences; s++ {
			words := 6 + r.intn(15)
			for w := 0; w < words; w++ {
				word := corpusWords[r.intn(len(corpusWords))]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(word)
				if w > 0 && w < words-1 && r.intn(12) == 0 {
					b.WriteByte(',')
				}
			}
			switch r.intn(40) {
			case 0:
				fmt.Fprintf(&b, " Write to user%d@example.org", r.intn(1000))
			case 1:
				fmt.Fprintf(&b, " from %d.%d.%d.%d", 1+r.intn(223), r.intn(256), r.intn(256), r.intn(256))
			case 2:
				fmt.Fprintf(&b, " at (%d) 555-%04d", 200+r.intn(800), r.intn(10000))
			}
			b.WriteString(". "[:1+min(1, sentences-s-1)])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// webCorpus is n documents of about size bytes each, from a fixed seed.
func webCorpus(n, size int) []string {
	r := &rng{s: 20261205}
	docs := make([]string, n)
	for i := range docs {
		docs[i] = webDoc(r, size/2+r.intn(size))
	}
	return docs
}
