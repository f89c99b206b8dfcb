/data/binary.bin file 1024 785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9
/data/hello.txt file 49 d27c2eaf2ef84a657a0c907b7380b3f605abd8e5f378bcd03aace8ae7074cadb
/data/links dir
/data/links/dangling symlink -> does-not-exist
/data/links/does-not-exist file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/data/links/hard.txt file 40 9e85e585ab6be536fc2a47fe53f4f7d372e48a4a56fa4e2a9ff924ad9eaac432
/data/links/loop1 symlink -> loop2
/data/links/loop2 symlink -> loop1
/data/links/self symlink -> self
/data/links/subdir symlink -> ../sub
/data/links/sym2.txt symlink -> hard.txt
/data/numbers.csv file 69 a8edac40a1cae254bd50b1cda8740f7a4cc9f92ec2a8412aedb9220f975aa44c
/data/sub dir
/data/sub/deeper dir
/data/sub/deeper/leaf.txt file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/data/sub/nested.txt file 20 5b6c3b603bf529cb4911102e3bc4679762af9bd27724c6e704e4d6ab36af173e
